package dev.limbo.procfs;

/** Parses /proc/PID/stat. The comm sits between the first '(' and the LAST ')'. */
public final class StatParser {
    /** The fields kept, by their name and number in proc(5) (1-based; 3 is the state). */
    enum Field {
        PPID(4), PGRP(5), SESSION(6), FLAGS(9), UTIME(14), STIME(15), NUM_THREADS(20), STARTTIME(22),
        EXIT_SIGNAL(38), DELAYACCT_BLKIO_TICKS(42);

        final int number;

        Field(int number) {
            this.number = number;
        }
    }

    /** Bit n set when field n is kept. */
    private static final long WANTED;
    /** The last field kept. */
    private static final int LAST;

    static {
        long wanted = 0;
        int last = 0;
        for (Field f : Field.values()) {
            wanted |= 1L << f.number;
            last = Math.max(last, f.number);
        }
        WANTED = wanted;
        LAST = last;
    }

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
        long pid = number(text, 0, open, true);
        if (pid < 0 || pid > Integer.MAX_VALUE) {
            return null;
        }
        // Fields after the comm, single-space separated; field 3 (the state) comes first.
        int end = text.length();
        while (end > close + 1 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        int p = close + 1;
        while (p < end && Character.isWhitespace(text.charAt(p))) {
            p++;
        }
        if (p >= end) {
            return null;
        }
        int stateEnd = text.indexOf(' ', p);
        if (stateEnd < 0 || stateEnd > end) {
            stateEnd = end;
        }
        if (stateEnd - p != 1) {
            return null;
        }
        TaskState state = TaskState.of(text.charAt(p));
        // f[n] = field n (1-based as in proc(5)); -1 when absent or not a number.
        long[] f = new long[LAST + 1];
        java.util.Arrays.fill(f, -1);
        int n = 4;
        p = stateEnd + 1;
        while (n <= LAST && p <= end) {
            int q = text.indexOf(' ', p);
            if (q < 0 || q > end) {
                q = end;
            }
            if ((WANTED & (1L << n)) != 0) {
                f[n] = number(text, p, q, false);
            }
            n++;
            p = q + 1;
        }
        return new TaskStat((int) pid, text.substring(open + 1, close), state,
                (int) f[Field.PPID.number], (int) f[Field.PGRP.number], (int) f[Field.SESSION.number],
                f[Field.FLAGS.number], f[Field.UTIME.number], f[Field.STIME.number], (int) f[Field.NUM_THREADS.number],
                f[Field.STARTTIME.number], (int) f[Field.EXIT_SIGNAL.number], f[Field.DELAYACCT_BLKIO_TICKS.number]);
    }

    /** The decimal number in text[from, to) (strip() first when asked), or -1. */
    private static long number(String text, int from, int to, boolean strip) {
        if (strip) {
            while (from < to && Character.isWhitespace(text.charAt(from))) {
                from++;
            }
            while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
                to--;
            }
        }
        if (from >= to || to - from >= 19) {
            return slow(text.substring(from, Math.max(from, to)));
        }
        boolean neg = text.charAt(from) == '-';
        int i = neg || text.charAt(from) == '+' ? from + 1 : from;
        if (i >= to) {
            return -1;
        }
        long v = 0;
        for (; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return neg ? -v : v;
    }

    private static long slow(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            try {
                return Long.parseUnsignedLong(s);
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
