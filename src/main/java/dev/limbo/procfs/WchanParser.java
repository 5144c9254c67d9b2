package dev.limbo.procfs;

/** /proc/PID/wchan: a symbol name, or "0" (or nothing) when there is none. */
public final class WchanParser {
    private WchanParser() {
    }

    /** The symbol, or null for none. */
    public static String parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip();
        if (s.isEmpty() || s.equals("0") || s.indexOf(' ') >= 0 || s.indexOf('\n') >= 0) {
            return null;
        }
        return s;
    }
}
