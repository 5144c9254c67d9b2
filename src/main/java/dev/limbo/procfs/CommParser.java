package dev.limbo.procfs;

/** /proc/PID/comm: the task name, at most 15 bytes, followed by a newline. Any byte may appear. */
public final class CommParser {
    private CommParser() {
    }

    public static String parse(String text) {
        if (text == null) {
            return null;
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
