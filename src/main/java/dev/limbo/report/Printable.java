package dev.limbo.report;

/**
 * Text read from /proc, a saved tree or a snapshot, made safe to show a person. Process names
 * are chosen by any user (up to 15 arbitrary bytes) and saved trees by whoever made them: an
 * escape sequence in one could retitle the terminal, recolour it or rewrite lines, and a newline
 * could forge a line of the report. Every control character is shown as a visible escape
 * ({@code \n}, {@code \r}, {@code \x1b}, {@code \x7f}, {@code &#92;u009b}), as are the Unicode
 * controls that reorder or break lines (bidi overrides and isolates, U+2028/U+2029). A tab is
 * kept: it is /proc's own field separator (status lines) and cannot move the cursor back. Bytes
 * that are not UTF-8 were already decoded as U+FFFD. A literal backslash is left alone, so the
 * text form can be ambiguous; the JSON form is the exact one.
 */
public final class Printable {
    private Printable() {
    }

    /** One line: every control character escaped, including newlines. */
    public static String of(String s) {
        return escape(s, false);
    }

    /** Several lines (a raw file): newlines kept as line breaks, every other control escaped. */
    public static String lines(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean keepNewlines) {
        if (s == null) {
            return null;
        }
        int i = 0;
        while (i < s.length() && !escaped(s.charAt(i), keepNewlines)) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!escaped(c, keepNewlines)) {
                b.append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    private static boolean escaped(char c, boolean keepNewlines) {
        if (c == '\t' || (keepNewlines && c == '\n')) {
            return false;
        }
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x2028 || c == 0x2029 || c == 0x200e || c == 0x200f || c == 0x061c;
    }
}
