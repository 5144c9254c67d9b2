package dev.limbo.procfs;

/** Parses /proc/PID/stat. The comm sits between the first '(' and the LAST ')'. */
public final class StatParser {
    private StatParser() {
    }

    /** Returns null when the text is not a stat line (truncated or garbage): absent evidence. */
    public static TaskStat parse(String text) {
        if (text == null) {
            return null;
        }
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open <= 0 || close < open) {
            return null;
        }
        int pid = parseIntOr(text.substring(0, open).strip(), -1);
        if (pid < 0) {
            return null;
        }
        String comm = text.substring(open + 1, close);
        String rest = text.substring(close + 1).strip();
        if (rest.isEmpty()) {
            return null;
        }
        String[] f = rest.split(" ");
        // f[0] is field 3 (state); field n is f[n - 3].
        if (f[0].length() != 1) {
            return null;
        }
        TaskState state = TaskState.of(f[0].charAt(0));
        return new TaskStat(
                pid,
                comm,
                state,
                (int) field(f, 4),
                (int) field(f, 5),
                (int) field(f, 6),
                field(f, 9),
                field(f, 14),
                field(f, 15),
                (int) field(f, 20),
                field(f, 22),
                (int) field(f, 38),
                field(f, 42));
    }

    private static long field(String[] f, int n) {
        int i = n - 3;
        if (i >= f.length) {
            return -1;
        }
        try {
            return Long.parseLong(f[i]);
        } catch (NumberFormatException e) {
            try {
                return Long.parseUnsignedLong(f[i]);
            } catch (NumberFormatException e2) {
                return -1;
            }
        }
    }

    static int parseIntOr(String s, int dflt) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
