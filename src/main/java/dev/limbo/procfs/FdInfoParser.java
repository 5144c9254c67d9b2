package dev.limbo.procfs;

/** Parses /proc/PID/fdinfo/N: the {@code mnt_id:} (3.15+) and {@code ino:} (recent kernels) lines. */
public final class FdInfoParser {
    private FdInfoParser() {
    }

    public static int mountId(String text) {
        String v = value(text, "mnt_id:");
        return v == null ? -1 : StatParser.parseIntOr(v, -1);
    }

    /** The inode number of the open file, or -1 when the kernel does not print it. */
    public static long inode(String text) {
        String v = value(text, "ino:");
        if (v == null || v.isEmpty() || v.length() > 20) {
            return -1;
        }
        try {
            long n = Long.parseUnsignedLong(v);
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String value(String text, String key) {
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(key)) {
                return line.substring(key.length()).strip();
            }
        }
        return null;
    }
}
