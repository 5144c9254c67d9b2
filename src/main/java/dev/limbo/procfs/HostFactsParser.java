package dev.limbo.procfs;

/** Parsers for the small top-level files. */
public final class HostFactsParser {
    private HostFactsParser() {
    }

    /** First number of /proc/uptime, or -1. */
    public static double uptime(String text) {
        if (text == null) {
            return -1;
        }
        String first = text.strip().split("\\s+")[0];
        try {
            return Double.parseDouble(first);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A single integer file such as hung_task_timeout_secs, or -1. */
    public static int integer(String text) {
        if (text == null) {
            return -1;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A named line of /proc/stat such as {@code btime 1700000000}, or -1. */
    public static long statField(String text, String key) {
        if (text == null) {
            return -1;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(key + " ")) {
                try {
                    return Long.parseLong(line.substring(key.length() + 1).strip());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    public static String firstLine(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
