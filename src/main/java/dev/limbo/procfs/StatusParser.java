package dev.limbo.procfs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses /proc/PID/status: tab-separated {@code Key:\tvalue} lines, any of which may be missing. */
public final class StatusParser {
    private StatusParser() {
    }

    /** Returns null when no field could be read at all. */
    public static TaskStatus parse(String text) {
        if (text == null) {
            return null;
        }
        Map<String, String> lines = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon);
            lines.put(key, line);
            values.put(key, line.substring(colon + 1).strip());
        }
        if (values.isEmpty()) {
            return null;
        }
        String stateText = values.get("State");
        TaskState state = stateText == null || stateText.isEmpty() ? null : TaskState.of(stateText.charAt(0));
        return new TaskStatus(
                values.get("Name"),
                state,
                intOf(values.get("Tgid")),
                intOf(values.get("Pid")),
                intOf(values.get("PPid")),
                intOf(values.get("TracerPid")),
                intOf(values.get("Threads")),
                intList(values.get("NStgid")),
                intList(values.get("NSpid")),
                SignalSet.parse(values.get("SigPnd")),
                SignalSet.parse(values.get("ShdPnd")),
                SignalSet.parse(values.get("SigBlk")),
                SignalSet.parse(values.get("SigIgn")),
                SignalSet.parse(values.get("SigCgt")),
                longOf(values.get("voluntary_ctxt_switches")),
                longOf(values.get("nonvoluntary_ctxt_switches")),
                intOf(values.get("FDSize")),
                values.containsKey("VmSize") || values.containsKey("VmRSS"),
                values.containsKey("Umask"),
                intOf(values.get("CoreDumping")),
                Collections.unmodifiableMap(lines));
    }

    private static int intOf(String s) {
        if (s == null) {
            return -1;
        }
        int end = 0;
        while (end < s.length() && (Character.isDigit(s.charAt(end)) || (end == 0 && s.charAt(0) == '-'))) {
            end++;
        }
        return StatParser.parseIntOr(s.substring(0, end), -1);
    }

    private static long longOf(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static List<Integer> intList(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (String part : s.split("\\s+")) {
            int v = StatParser.parseIntOr(part, -1);
            if (v < 0) {
                return null;
            }
            out.add(v);
        }
        return List.copyOf(out);
    }
}
