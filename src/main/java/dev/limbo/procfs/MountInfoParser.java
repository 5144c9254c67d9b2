package dev.limbo.procfs;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses /proc/PID/mountinfo:
 * {@code 36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue}.
 */
public final class MountInfoParser {
    private MountInfoParser() {
    }

    public static List<MountInfo> parse(String text) {
        List<MountInfo> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\n")) {
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (f.length < 7 || dash < 0 || dash + 1 >= f.length) {
                continue;
            }
            int id = StatParser.parseIntOr(f[0], -1);
            int colon = f[2].indexOf(':');
            if (id < 0 || colon < 0) {
                continue;
            }
            int major = StatParser.parseIntOr(f[2].substring(0, colon), -1);
            int minor = StatParser.parseIntOr(f[2].substring(colon + 1), -1);
            String source = dash + 2 < f.length ? f[dash + 2] : "";
            out.add(new MountInfo(id, major, minor, unescape(f[4]), f[dash + 1], source, line));
        }
        return List.copyOf(out);
    }

    /** mountinfo escapes space, tab, newline and backslash as octal (\040 …). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                String oct = s.substring(i + 1, Math.min(s.length(), i + 4));
                if (oct.length() == 3 && oct.chars().allMatch(ch -> ch >= '0' && ch <= '7')) {
                    b.append((char) Integer.parseInt(oct, 8));
                    i += 3;
                    continue;
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
