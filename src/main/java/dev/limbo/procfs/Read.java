package dev.limbo.procfs;

/**
 * The result of reading one /proc file: its text, or why there is none. A missing file, a task
 * that vanished, a permission refusal or a read that timed out are all absent evidence, never
 * errors. {@code path} is the path as read, under the procfs root in use.
 */
public record Read(String path, String text, Absence absence) {
    public enum Absence { NONE, MISSING, GONE, DENIED, TIMED_OUT, ERROR }

    public boolean ok() {
        return text != null;
    }

    /** The first line of the text that starts with {@code prefix}, verbatim, or null. */
    public String lineStartingWith(String prefix) {
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    /**
     * The whole text as one record, without its final newline: a stat line, whose comm may
     * itself hold a newline (the first line would cut the evidence short).
     */
    public String record() {
        return text == null ? null : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /** The first line, without its newline. */
    public String firstLine() {
        return HostFactsParser.firstLine(text);
    }
}
