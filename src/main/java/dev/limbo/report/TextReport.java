package dev.limbo.report;

import dev.limbo.model.Wait;
import dev.limbo.rules.Evidence;
import dev.limbo.rules.Finding;
import dev.limbo.rules.Stories;
import dev.limbo.rules.Remedy;
import dev.limbo.rules.Texts;
import java.io.PrintStream;
import java.util.List;

/** Renders a {@link Report} for people: a summary line, then findings worst first. */
public final class TextReport {
    private TextReport() {
    }

    public static void render(Report r, Texts t, PrintStream out, boolean full) {
        Report.Summary s = r.summary();
        out.println(t.get("text.summary", verdict(r, t), s.critical(), s.warning(), s.info(), s.processes(), s.tasks(),
                s.zombies(), s.dstate(), Printable.of(r.host().procRoot()), r.host().samples()));
        for (List<Finding> story : Stories.group(r.findings())) {
            out.println();
            story(story, t, out, full);
        }
        if (!full && r.findings().stream().anyMatch(f -> f.severity() != dev.limbo.rules.Severity.INFO)) {
            out.println();
            out.println(t.get("text.hint.explain"));
        }
    }

    static String verdict(Report r, Texts t) {
        return r.worst() == null ? t.get("text.verdict.ok") : r.worst().name();
    }

    /**
     * One story (SPEC "Findings are facts"): the leading finding in full, then each other finding
     * about the same task(s) on one line under it.
     */
    public static void story(List<Finding> story, Texts t, PrintStream out, boolean full) {
        finding(story.get(0), t, out, full);
        if (story.size() > 1) {
            out.println("  " + t.get("text.story.also"));
            for (Finding f : story.subList(1, story.size())) {
                // a full-width colon after Chinese ids reads as the sentence it introduces
                out.println(wrap("    - ", oneLine(f, t) + (t.lang().equals("zh") ? "：" : ": ") + f.title()));
            }
        }
    }

    /** "WARNING traced-zombie pid 22889 tids 22976" */
    static String oneLine(Finding f, Texts t) {
        String tids = f.tids().isEmpty() ? "" : " " + t.get("text.tids", join(f.tids()));
        return f.severity().name() + " " + f.rule() + " " + t.get("text.pid", f.pid()) + tids;
    }

    public static void finding(Finding f, Texts t, PrintStream out, boolean full) {
        String tids = f.tids().isEmpty() ? "" : "  " + t.get("text.tids", join(f.tids()));
        out.println(f.severity().name() + "  " + f.rule() + "  " + t.get("text.pid", f.pid())
                + (f.comm() == null ? "" : " (" + Printable.of(f.comm()) + ")") + tids);
        out.println("  " + Printable.of(f.title()));
        if (f.blocker() != null) {
            out.println(wrap("  " + t.get("text.blocker", f.blocker().kind()) + " ",
                    Printable.of(f.blocker().name() + ": " + f.blocker().detail())));
        }
        String where = where(f, t);
        if (where != null) {
            out.println("  " + Printable.of(where));
        }
        if (f.waitsOn() != null) {
            out.println("  " + t.get("text.waits-on", Printable.of(describe(f.waitsOn()))) + (f.progress() == null ? ""
                    : "   " + t.get("text.progress", t.get("progress.label." + f.progress()))));
        }
        out.println("  " + t.get("text.evidence"));
        for (Evidence e : f.evidence()) {
            out.println("    " + Printable.of(e.path()) + ": " + Printable.of(e.line()));
        }
        if (full) {
            out.println("  " + t.get("text.causes"));
            int i = 1;
            for (String c : f.causes()) {
                out.println(wrap("    " + i++ + ". ", c));
            }
        }
        if (f.releasedWhen() != null) {
            out.println(wrap("  " + t.get("text.released") + " ", f.releasedWhen()));
        }
        if (full) {
            if (!f.doesNotHelp().isEmpty()) {
                out.println("  " + t.get("text.does-not-help"));
                for (String d : f.doesNotHelp()) {
                    out.println(wrap("    - ", d));
                }
            }
            if (!f.remedies().isEmpty()) {
                out.println("  " + t.get("text.remedies"));
                int i = 1;
                for (Remedy r : f.remedies()) {
                    out.println(wrap("    " + i++ + ". ", r.action()));
                    out.println(wrap("       " + t.get("text.risk") + " ", r.risk()));
                }
            }
        }
    }

    static String where(Finding f, Texts t) {
        StringBuilder b = new StringBuilder();
        if (f.attribution() != null && f.attribution().containerId() != null) {
            b.append(t.get("text.container", f.attribution().runtime(), f.attribution().shortId()));
        }
        if (f.nsPids() != null && f.nsPids().size() > 1) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(t.get("text.nspid", f.nsPids().get(f.nsPids().size() - 1), f.nsPids().get(0)));
        }
        if (f.attribution() != null && f.attribution().unit() != null) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(t.get("text.unit", f.attribution().unit()));
        }
        return b.length() == 0 ? null : b.toString();
    }

    public static String describe(Wait w) {
        StringBuilder b = new StringBuilder(w.kind().name().toLowerCase().replace('_', '-'));
        if (w.function() != null) {
            b.append(" (").append(w.function());
            if (w.module() != null) {
                b.append(" [").append(w.module()).append(']');
            }
            b.append(')');
        }
        if (w.fuseConnection() >= 0) {
            b.append(" fuse-conn ").append(w.fuseConnection());
        }
        if (w.killable() != null) {
            b.append(w.killable() ? " killable" : " unkillable");
        }
        if (w.exiting()) {
            b.append(" in-exit");
        }
        return b.toString();
    }

    static String join(List<Integer> xs) {
        StringBuilder b = new StringBuilder();
        for (int x : xs) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(x);
        }
        return b.toString();
    }

    /**
     * Wraps long prose at 100 columns, indenting continuation lines under the text. Breaks at
     * spaces, and between CJK characters (two columns wide), which have no spaces between them.
     */
    static String wrap(String prefix, String raw) {
        String text = Printable.of(raw); // prose may quote a process name
        int width = 100;
        String indent = " ".repeat(columns(prefix));
        StringBuilder out = new StringBuilder(prefix);
        int col = indent.length();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ') {
                i++;
                continue;
            }
            // the next unit: one CJK character, or a run up to a space or a CJK character;
            // an opening "（" stays with what follows it
            int j = unitEnd(text, i);
            if (OPENING.indexOf(c) >= 0 && j < text.length() && text.charAt(j) != ' ') {
                j = unitEnd(text, j);
            }
            String unit = text.substring(i, j);
            int w = columns(unit);
            char prev = out.charAt(out.length() - 1);
            // "。 下一句": the full-width mark already separates the sentences
            boolean spaced = i > 0 && text.charAt(i - 1) == ' ' && CLOSING.indexOf(prev) < 0;
            int need = w + (spaced && col > indent.length() ? 1 : 0);
            // a line never starts with "，" "。" "）" …: such a mark may overhang the width
            if (col + need > width && col > indent.length() && CLOSING.indexOf(c) < 0) {
                out.append('\n').append(indent);
                col = indent.length();
            } else if (spaced && col > indent.length()) {
                out.append(' ');
                col++;
            }
            out.append(unit);
            col += w;
            i = j;
        }
        return out.toString();
    }

    private static int unitEnd(String text, int i) {
        int j = i + 1;
        if (!wide(text.charAt(i))) {
            while (j < text.length() && text.charAt(j) != ' ' && !wide(text.charAt(j))) {
                j++;
            }
        }
        return j;
    }

    private static final String OPENING = "（《「『【“‘";
    private static final String CLOSING = "，。、；：！？）》」』】”’";

    /** Terminal columns: CJK and full-width characters take two. */
    static int columns(String s) {
        int n = 0;
        for (int k = 0; k < s.length(); k++) {
            n += wide(s.charAt(k)) ? 2 : 1;
        }
        return n;
    }

    private static boolean wide(char c) {
        return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFF60)
                || (c >= 0x3000 && c <= 0x303F);
    }
}
