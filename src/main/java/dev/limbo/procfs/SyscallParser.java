package dev.limbo.procfs;

import java.util.Arrays;
import java.util.List;

/** Parses /proc/PID/syscall. */
public final class SyscallParser {
    private SyscallParser() {
    }

    public static SyscallInfo parse(String text) {
        if (text == null) {
            return null;
        }
        String line = text.strip();
        if (line.isEmpty()) {
            return null;
        }
        if (line.equals("running")) {
            return new SyscallInfo(SyscallInfo.Kind.RUNNING, -1, List.of(), line);
        }
        String[] parts = line.split(" ");
        int nr;
        try {
            nr = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            return null;
        }
        if (nr < 0) {
            return new SyscallInfo(SyscallInfo.Kind.NOT_IN_SYSCALL, nr, List.of(), line);
        }
        List<String> args = List.copyOf(Arrays.asList(parts).subList(1, Math.min(parts.length, 7)));
        return new SyscallInfo(SyscallInfo.Kind.IN_SYSCALL, nr, args, line);
    }
}
