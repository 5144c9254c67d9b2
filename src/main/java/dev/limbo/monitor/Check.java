package dev.limbo.monitor;

import dev.limbo.model.Observation;
import dev.limbo.model.Sample;
import dev.limbo.model.Task;
import dev.limbo.report.Report;
import dev.limbo.report.Reports;
import dev.limbo.rules.Finding;
import dev.limbo.rules.HungTaskRule;
import dev.limbo.rules.Severity;
import dev.limbo.rules.Texts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code limbo check}'s judgement, following the monitoring plugin conventions: a status
 * (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN), one status line with perfdata, optional long output.
 *
 * <p>The status is the worse of (a) the worst counted finding's severity and (b) the thresholds:
 * a metric inside its {@code -c} alert range makes CRITICAL, inside its {@code -w} range WARNING.
 * Counted: findings of the rules {@code --rules} allows, at WARNING or above, whose Z/D tasks have
 * been stuck at least {@code --min-age} (findings about no Z/D task, such as a blocked read, always
 * count); zombies and D tasks stuck at least {@code --min-age}.
 */
public final class Check {
    public static final int OK = 0;
    public static final int WARNING = 1;
    public static final int CRITICAL = 2;
    public static final int UNKNOWN = 3;
    private static final String[] NAMES = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    private static final int MAX_LISTED = 5;

    /**
     * @param hungAfterMs a {@code hung-task} finding counts only once its task has been stuck this
     *     long (as {@code watch} does); negative: the host's hung_task_timeout_secs (120 s when 0
     *     or unreadable); 0: at once
     */
    public record Settings(Thresholds warning, Thresholds critical, RuleFilter rules, long minAgeMs, long hungAfterMs) {
        public Settings(Thresholds warning, Thresholds critical, RuleFilter rules, long minAgeMs) {
            this(warning, critical, rules, minAgeMs, -1);
        }
    }

    /** Seconds after which a hung-task finding counts: the setting, else the host's hung_task_timeout_secs, else 120. */
    public static double hungAfterSeconds(Settings s, Sample latest) {
        if (s.hungAfterMs() >= 0) {
            return s.hungAfterMs() / 1000.0;
        }
        int host = latest.host() == null ? -1 : latest.host().hungTaskTimeoutSecs();
        return host > 0 ? host : 120;
    }

    /**
     * The outcome. {@code findings} are all kept findings (INFO too, worst first), {@code counted}
     * those at WARNING or above; {@code ages} the stuck seconds of each kept finding (-1 unknown).
     */
    public record Outcome(int status, String line, List<String> longOutput, int zombies, int dstate,
            List<Finding> findings, List<Finding> counted, Map<Finding, Double> ages, Report report,
            Map<String, Integer> tasksByState, double scanSeconds, int readTimeouts) {
        public String statusName() {
            return name(status);
        }
    }

    private Check() {
    }

    public static String name(int status) {
        return NAMES[Math.max(0, Math.min(3, status))];
    }

    /** The status line for a check that could not be done. */
    public static String unknownLine(String reason) {
        return "limbo UNKNOWN - " + clean(reason);
    }

    /**
     * Judges an observation. {@code findings} come from the Diagnoser already filtered by rule;
     * {@code ages} is asked only when {@code computeAges} (min-age, textfile or verbose need them).
     */
    public static Outcome evaluate(Observation obs, List<Finding> findings, StuckAges ages, boolean computeAges,
            Settings s, String procRoot, long intervalMs, double scanSeconds, Texts texts) {
        double minAge = s.minAgeMs() / 1000.0;
        boolean filterAge = s.minAgeMs() > 0;
        Sample latest = obs.latest();
        double hungAfter = hungAfterSeconds(s, latest);
        computeAges |= hungAfter > 0;

        Map<Integer, Double> taskAge = new LinkedHashMap<>();
        int zombies = 0;
        int dstate = 0;
        for (Task t : latest.tasks().values()) {
            if (!StuckAges.stuckState(t)) {
                continue;
            }
            if (filterAge || computeAges) {
                double a = ages.age(obs, t);
                taskAge.put(t.tid(), a);
                if (filterAge && a < minAge) {
                    continue;
                }
            }
            if (t.state().isZombie()) {
                zombies++;
            } else {
                dstate++;
            }
        }

        List<Finding> kept = new ArrayList<>();
        List<Finding> counted = new ArrayList<>();
        Map<Finding, Double> findingAges = new LinkedHashMap<>();
        for (Finding f : findings) {
            if (!s.rules().test(f)) {
                continue;
            }
            List<Task> subjects = StuckAges.subjects(f, latest);
            double age = -1;
            for (Task t : subjects) {
                Double a = taskAge.get(t.tid());
                if (a != null) {
                    age = Math.max(age, a);
                }
            }
            if (filterAge && !subjects.isEmpty() && age < minAge) {
                continue;
            }
            // A D task stuck for a second is ordinary I/O to an operator paged at night: hung-task
            // counts only after hung_task_timeout_secs, when the kernel's own khungtaskd would warn.
            if (f.rule().equals(HungTaskRule.ID) && age < hungAfter) {
                continue;
            }
            kept.add(f);
            findingAges.put(f, age);
            if (f.severity() != Severity.INFO) {
                counted.add(f);
            }
        }

        int status = OK;
        for (Finding f : counted) {
            status = Math.max(status, f.severity() == Severity.CRITICAL ? CRITICAL : WARNING);
        }
        Map<String, Integer> values = new LinkedHashMap<>();
        values.put("zombies", zombies);
        values.put("dstate", dstate);
        values.put("findings", counted.size());
        List<String> breaches = new ArrayList<>();
        for (Map.Entry<String, Integer> e : values.entrySet()) {
            String m = e.getKey();
            if (s.critical().alerts(m, e.getValue())) {
                status = Math.max(status, CRITICAL);
                breaches.add(e.getValue() + " " + m + " (-c " + m + "=" + s.critical().text(m) + ")");
            } else if (s.warning().alerts(m, e.getValue())) {
                status = Math.max(status, WARNING);
                breaches.add(e.getValue() + " " + m + " (-w " + m + "=" + s.warning().text(m) + ")");
            }
        }

        StringBuilder line = new StringBuilder("limbo ").append(name(status)).append(" - ");
        List<String> parts = new ArrayList<>(breaches);
        if (!counted.isEmpty()) {
            List<String> listed = new ArrayList<>();
            for (Finding f : counted) {
                if (listed.size() == MAX_LISTED) {
                    break;
                }
                listed.add(describe(f, texts));
            }
            String list = String.join(", ", listed);
            if (counted.size() > MAX_LISTED) {
                list += " " + "and " + (counted.size() - MAX_LISTED) + " more";
            }
            parts.add(counted.size() + " finding(s): " + list);
        } else {
            int processes = obs.first().processes().size();
            parts.add("no findings; " + zombies + " zombie(s), " + dstate + " in D (" + processes + " processes)");
        }
        line.append(clean(String.join("; ", parts)));
        line.append(" | ").append(perf("zombies", zombies, s)).append(' ').append(perf("dstate", dstate, s))
                .append(' ').append(perf("findings", counted.size(), s));

        List<String> longOutput = new ArrayList<>();
        for (Finding f : kept) {
            double a = findingAges.getOrDefault(f, -1.0);
            String age = a < 0 ? "" : " " + "stuck " + formatSeconds(a);
            longOutput.add(clean(f.severity().name() + " " + describe(f, texts) + age + ": " + f.title()));
        }

        Report report = Reports.of(obs, kept, procRoot, intervalMs);
        Map<String, Integer> byState = new TreeMap<>();
        for (Task t : obs.first().tasks().values()) {
            byState.merge(stateLabel(t), 1, Integer::sum);
        }
        int readTimeouts = 0;
        for (Sample sm : obs.samples()) {
            readTimeouts += sm.blockedReads().size();
        }
        return new Outcome(status, line.toString(), longOutput, zombies, dstate, kept, counted, findingAges, report,
                byState, scanSeconds, readTimeouts);
    }

    /**
     * {@code --format json}: the {@code limbo/v1} report of the kept findings, plus a {@code check}
     * object (status, code, line). Jackson is loaded only here.
     */
    public static String json(Outcome o, String line) {
        var tree = dev.limbo.report.JsonReport.tree(o.report());
        tree.putObject("check").put("status", o.statusName()).put("code", o.status()).put("line", line)
                .put("zombies", o.zombies()).put("dstate", o.dstate()).put("findings", o.counted().size());
        return dev.limbo.report.JsonReport.pretty(tree);
    }

    /** {@code rule pid 123 (comm) tid 124}. */
    static String describe(Finding f, Texts texts) {
        StringBuilder b = new StringBuilder(f.rule()).append(' ').append("pid " + f.pid());
        if (f.comm() != null) {
            b.append(" (").append(f.comm()).append(')');
        }
        if (!f.tids().isEmpty()) {
            List<String> tids = f.tids().stream().limit(5).map(String::valueOf).toList();
            b.append(' ').append("tid " + String.join(",", tids) + (f.tids().size() > 5 ? ",..." : ""));
        }
        return b.toString();
    }

    private static String perf(String metric, int value, Settings s) {
        // min 0: a count is never negative (graphers then start the axis at 0)
        return metric + "=" + value + ";" + s.warning().text(metric) + ";" + s.critical().text(metric) + ";0;";
    }

    /** States whose task gauges are always exported, at 0 when no task is in them (a query finds 0, not nothing). */
    public static final List<String> ALWAYS_EXPORTED_STATES =
            List.of("running", "sleeping", "disk_sleep", "zombie", "stopped", "tracing_stop", "idle");

    /** {@code byState} with every {@link #ALWAYS_EXPORTED_STATES} present (0 when absent). */
    public static Map<String, Integer> withZeroStates(Map<String, Integer> byState) {
        Map<String, Integer> all = new TreeMap<>(byState);
        ALWAYS_EXPORTED_STATES.forEach(st -> all.putIfAbsent(st, 0));
        return all;
    }

    /** Metric label of a task state: running, sleeping, disk_sleep, zombie, ... */
    public static String stateLabel(Task t) {
        return t.state().name().toLowerCase();
    }

    /**
     * Status text may not hold '|' (it starts perfdata), line breaks, nor any other control
     * character (a process name can hold an escape sequence): those are shown escaped.
     */
    static String clean(String s) {
        return dev.limbo.report.Printable.of(s).replace('|', '/');
    }

    public static String formatSeconds(double s) {
        long v = Math.round(s);
        if (v < 120) {
            return v + "s";
        }
        if (v < 7200) {
            return (v / 60) + "m";
        }
        if (v < 172800) {
            return (v / 3600) + "h" + ((v % 3600) / 60 == 0 ? "" : (v % 3600) / 60 + "m");
        }
        return (v / 86400) + "d" + ((v % 86400) / 3600 == 0 ? "" : (v % 86400) / 3600 + "h");
    }
}
