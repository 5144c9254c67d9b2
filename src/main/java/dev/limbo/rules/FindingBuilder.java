package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Progress;
import dev.limbo.model.Task;
import dev.limbo.model.Wait;
import dev.limbo.procfs.Read;
import dev.limbo.procfs.StackFrame;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Assembles a {@link Finding}; evidence lines are quoted verbatim from what was read. */
final class FindingBuilder {
    private final Rule rule;
    private final Context ctx;
    private final ProcessInfo process;
    private final int pid;
    private Severity severity;
    private final List<Integer> tids = new ArrayList<>();
    private String title;
    private final Set<Evidence> evidence = new LinkedHashSet<>();
    private final List<String> causes = new ArrayList<>();
    private String releasedWhen;
    private final List<String> doesNotHelp = new ArrayList<>();
    private final List<Remedy> remedies = new ArrayList<>();
    private Wait wait;
    private String progress;
    private final List<Integer> about = new ArrayList<>();
    private Blocker blocker;

    FindingBuilder(Rule rule, Context ctx, ProcessInfo process, int pid) {
        this.rule = rule;
        this.ctx = ctx;
        this.process = process;
        this.pid = pid;
        this.severity = rule.defaultSeverity();
    }

    FindingBuilder severity(Severity s) {
        this.severity = s;
        return this;
    }

    FindingBuilder tid(int tid) {
        if (!tids.contains(tid)) {
            tids.add(tid);
        }
        return this;
    }

    FindingBuilder title(String key, Object... args) {
        this.title = ctx.t(key, args);
        return this;
    }

    FindingBuilder cause(String key, Object... args) {
        causes.add(ctx.t(key, args));
        return this;
    }

    FindingBuilder causeText(String text) {
        if (text != null && !text.isEmpty()) {
            causes.add(text);
        }
        return this;
    }

    FindingBuilder released(String key, Object... args) {
        this.releasedWhen = ctx.t(key, args);
        return this;
    }

    FindingBuilder releasedText(String text) {
        this.releasedWhen = text;
        return this;
    }

    FindingBuilder noHelp(String key, Object... args) {
        doesNotHelp.add(ctx.t(key, args));
        return this;
    }

    FindingBuilder remedy(String key, Object... args) {
        remedies.add(new Remedy(ctx.t(key + ".action", args), ctx.t(key + ".risk", args)));
        return this;
    }

    FindingBuilder remedies(List<Remedy> more) {
        remedies.addAll(more);
        return this;
    }

    /** Another process this finding is about (beyond its pid and tids), for telling one story. */
    FindingBuilder about(int pid) {
        about.add(pid);
        return this;
    }

    FindingBuilder waitsOn(Wait w) {
        this.wait = w;
        return this;
    }

    FindingBuilder blocker(Blocker b) {
        this.blocker = b;
        if (b != null) {
            evidence.addAll(b.evidence());
        }
        return this;
    }

    FindingBuilder progress(Progress p) {
        this.progress = p == null ? null : p.name().toLowerCase();
        return this;
    }

    /** Quotes the line of {@code read} that starts with {@code prefix}, if it was read. */
    FindingBuilder evidence(Read read, String prefix) {
        if (read != null) {
            String line = read.lineStartingWith(prefix);
            if (line != null) {
                evidence.add(new Evidence(read.path(), line));
            }
        }
        return this;
    }

    /** Quotes a task's status line by field name (e.g. "State"). */
    FindingBuilder status(Task t, String... keys) {
        if (t != null && t.detail() != null && t.detail().statusRead() != null && t.status() != null) {
            for (String key : keys) {
                String line = t.status().line(key);
                if (line != null) {
                    evidence.add(new Evidence(t.detail().statusRead().path(), line));
                }
            }
        }
        return this;
    }

    /** Quotes the task's stat line (state from a stat file when no status was read). */
    FindingBuilder stat(Task t) {
        if (t != null && t.stat() != null && t.statRead() != null && t.statRead().text() != null) {
            evidence.add(new Evidence(t.statRead().path(), t.statRead().record()));
        }
        return this;
    }

    /** The task's state line: from status when read, else its stat line. */
    FindingBuilder state(Task t) {
        if (t != null && t.status() != null && t.status().line("State") != null) {
            return status(t, "State");
        }
        return stat(t);
    }

    /** Quotes the stack frames up to and including the deciding frame (or all), plus do_exit. */
    FindingBuilder stack(Task t) {
        if (t == null || t.detail() == null || t.detail().stack() == null || t.detail().stackRead() == null) {
            return this;
        }
        String path = t.detail().stackRead().path();
        for (StackFrame f : t.detail().stack().frames()) {
            evidence.add(new Evidence(path, f.line()));
        }
        return this;
    }

    FindingBuilder wchan(Task t) {
        if (t != null && t.detail() != null && t.detail().wchan() != null) {
            evidence.add(new Evidence(t.detail().wchanRead().path(), t.detail().wchanRead().firstLine()));
        }
        return this;
    }

    FindingBuilder syscall(Task t) {
        if (t != null && t.detail() != null && t.detail().syscall() != null) {
            evidence.add(new Evidence(t.detail().syscallRead().path(), t.detail().syscallRead().firstLine()));
        }
        return this;
    }

    FindingBuilder evidenceLine(String path, String line) {
        evidence.add(new Evidence(path, line));
        return this;
    }

    Finding build() {
        // Rebooting is the last resort: it goes after every remedy, whatever added it first.
        String reboot = ctx.t("remedy.reboot.action");
        List<Remedy> ordered = new ArrayList<>();
        remedies.stream().filter(r -> !r.action().equals(reboot)).forEach(ordered::add);
        remedies.stream().filter(r -> r.action().equals(reboot)).limit(1).forEach(ordered::add);
        remedies.clear();
        remedies.addAll(ordered);
        Finding f = new Finding(rule.id(), severity, pid, List.copyOf(tids), title, List.copyOf(evidence),
                List.copyOf(causes), releasedWhen, List.copyOf(doesNotHelp), List.copyOf(remedies),
                process == null ? null : process.comm(), ctx.attribution(process), ctx.nsPids(process), wait, progress,
                blocker, null);
        ctx.about(f, about);
        return f;
    }
}
