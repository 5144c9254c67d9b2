package dev.limbo.model;

import dev.limbo.procfs.BlockedRead;
import dev.limbo.procfs.HostFacts;
import java.util.List;
import java.util.Map;

/**
 * One pass over a procfs root. {@code complete} is true when every task was read (the first
 * live pass, or a saved tree); later live passes re-read only the suspects.
 */
public record Sample(
        int index,
        long monotonicNanos,
        HostFacts host,
        Map<Integer, ProcessInfo> processes,
        Map<Integer, Task> tasks,
        List<BlockedRead> blockedReads,
        boolean complete) {

    public ProcessInfo process(int tgid) {
        return processes.get(tgid);
    }

    public Task task(int tid) {
        return tasks.get(tid);
    }

    /** The kernel's version (sys/kernel/osrelease of the procfs root), or null when unknown. */
    public KernelVersion kernel() {
        return host == null ? null : KernelVersion.parse(host.kernelRelease());
    }

    /** Seconds since boot when this sample was taken, or -1 when unknown. */
    public double uptime() {
        return host == null ? -1 : host.uptimeSeconds();
    }
}
