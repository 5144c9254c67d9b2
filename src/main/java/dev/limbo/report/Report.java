package dev.limbo.report;

import dev.limbo.rules.Finding;
import dev.limbo.rules.Severity;
import java.util.List;

/** The outcome of a scan: SPEC {@code limbo/v1}. Knows nothing of /proc or the terminal. */
public record Report(Host host, Summary summary, List<Finding> findings) {
    public static final String SCHEMA = "limbo/v1";

    public record Host(String hostname, String kernel, String procRoot, int samples, long intervalMs) {
    }

    public record Summary(int processes, int tasks, int zombies, int dstate, int critical, int warning, int info) {
    }

    public Severity worst() {
        Severity worst = null;
        for (Finding f : findings) {
            if (worst == null || f.severity().ordinal() < worst.ordinal()) {
                worst = f.severity();
            }
        }
        return worst;
    }

    /** SPEC exit code for scan and explain: 0 nothing at WARNING or above, 1 WARNING, 2 CRITICAL. */
    public int exitCode() {
        Severity w = worst();
        if (w == Severity.CRITICAL) {
            return 2;
        }
        return w == Severity.WARNING ? 1 : 0;
    }
}
