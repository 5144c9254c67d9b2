package dev.limbo.procfs;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses /proc/PID/stack in every format: {@code [<0>] func+0x6c/0x90 [module]} (4.15+),
 * {@code [<ffffffff8168a8e9>] func+0x19/0x40} (older), and the trailing ULONG_MAX sentinel
 * ({@code 0xffffffffffffffff}) that kernels before 5.2 append, which is dropped.
 */
public final class StackParser {
    private StackParser() {
    }

    public static KernelStack parse(String text) {
        List<StackFrame> frames = new ArrayList<>();
        if (text != null) {
            for (String raw : text.split("\n")) {
                StackFrame f = parseLine(raw);
                if (f != null) {
                    frames.add(f);
                }
            }
        }
        return new KernelStack(List.copyOf(frames));
    }

    static StackFrame parseLine(String raw) {
        String line = raw.strip();
        if (line.isEmpty()) {
            return null;
        }
        String address = null;
        String rest = line;
        if (line.startsWith("[<")) {
            int end = line.indexOf(">]");
            if (end < 0) {
                return null;
            }
            address = line.substring(2, end);
            rest = line.substring(end + 2).strip();
        }
        if (rest.isEmpty()) {
            return null;
        }
        String module = null;
        if (rest.endsWith("]")) {
            int open = rest.lastIndexOf(" [");
            if (open > 0) {
                module = rest.substring(open + 2, rest.length() - 1);
                rest = rest.substring(0, open).strip();
            }
        }
        // The terminator: an address that resolves to no symbol prints as a raw number.
        if (rest.startsWith("0x") && rest.indexOf('+') < 0) {
            return null;
        }
        String function = rest;
        long offset = -1;
        long size = -1;
        int plus = rest.lastIndexOf('+');
        if (plus > 0) {
            function = rest.substring(0, plus);
            String off = rest.substring(plus + 1);
            int slash = off.indexOf('/');
            offset = hex(slash < 0 ? off : off.substring(0, slash));
            size = slash < 0 ? -1 : hex(off.substring(slash + 1));
        }
        if (function.isEmpty() || function.indexOf(' ') >= 0) {
            return null;
        }
        return new StackFrame(function, offset, size, module, address, raw);
    }

    private static long hex(String s) {
        String t = s.startsWith("0x") ? s.substring(2) : s;
        try {
            return Long.parseUnsignedLong(t, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
