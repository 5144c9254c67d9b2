package dev.limbo.procfs;

import java.util.ArrayList;
import java.util.List;

/** Parses /proc/PID/cgroup (v1, v2 and hybrid). */
public final class CgroupParser {
    private CgroupParser() {
    }

    public static List<CgroupLine> parse(String text) {
        List<CgroupLine> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\n")) {
            int a = line.indexOf(':');
            int b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (b < 0) {
                continue;
            }
            int id = StatParser.parseIntOr(line.substring(0, a), -1);
            if (id < 0) {
                continue;
            }
            out.add(new CgroupLine(id, line.substring(a + 1, b), line.substring(b + 1), line));
        }
        return List.copyOf(out);
    }
}
