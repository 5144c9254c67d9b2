package dev.limbo.procfs;

import java.util.List;

/** /proc/PID/stack: innermost frame first, without the ULONG_MAX terminator line. */
public record KernelStack(List<StackFrame> frames) {
    public boolean isEmpty() {
        return frames.isEmpty();
    }

    public boolean has(String function) {
        return find(function) != null;
    }

    public StackFrame find(String function) {
        for (StackFrame f : frames) {
            if (f.function().equals(function)) {
                return f;
            }
        }
        return null;
    }
}
