package dev.limbo.procfs;

/**
 * Top-level /proc facts: {@code uptime}, {@code loadavg}, {@code stat} (btime, procs_blocked),
 * {@code sys/kernel/*}. Any may be absent (-1 or null).
 */
public record HostFacts(
        double uptimeSeconds,
        String loadavg,
        long bootTimeEpochSeconds,
        int procsRunning,
        int procsBlocked,
        int hungTaskTimeoutSecs,
        int pidMax,
        String hostname,
        String kernelRelease) {
}
