package dev.limbo.procfs;

/** Parses the {@code mnt_id:} line of /proc/PID/fdinfo/N (3.15+). */
public final class FdInfoParser {
    private FdInfoParser() {
    }

    public static int mountId(String text) {
        if (text == null) {
            return -1;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("mnt_id:")) {
                return StatParser.parseIntOr(line.substring(7).strip(), -1);
            }
        }
        return -1;
    }
}
