package dev.limbo.procfs;

import java.util.List;
import java.util.Map;

/**
 * /proc/PID/status. Fields come and go between kernel versions, so every typed field may be
 * absent (null, or -1 for counts). {@link #lines} keeps each line verbatim, keyed by field name,
 * for quoting as evidence.
 */
public record TaskStatus(
        String name,
        TaskState state,
        int tgid,
        int pid,
        int ppid,
        int tracerPid,
        int threads,
        List<Integer> nsTgid,
        List<Integer> nsPid,
        SignalSet sigPnd,
        SignalSet shdPnd,
        SignalSet sigBlk,
        SignalSet sigIgn,
        SignalSet sigCgt,
        long voluntaryCtxtSwitches,
        long nonvoluntaryCtxtSwitches,
        int fdSize,
        boolean hasVm,
        boolean hasUmask,
        int coreDumping,
        Map<String, String> lines) {

    /** voluntary + nonvoluntary context switches, or -1 if either is absent. */
    public long contextSwitches() {
        if (voluntaryCtxtSwitches < 0 || nonvoluntaryCtxtSwitches < 0) {
            return -1;
        }
        return voluntaryCtxtSwitches + nonvoluntaryCtxtSwitches;
    }

    /** The verbatim line for a field, e.g. {@code "State:\tZ (zombie)"}, or null. */
    public String line(String key) {
        return lines.get(key);
    }

    /** The pid namespace depth of this task: 1 for the host namespace only. */
    public int nsLevels() {
        return nsPid == null ? 1 : Math.max(1, nsPid.size());
    }
}
