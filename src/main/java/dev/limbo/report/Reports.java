package dev.limbo.report;

import dev.limbo.model.Observation;
import dev.limbo.model.Sample;
import dev.limbo.model.Task;
import dev.limbo.rules.Finding;
import dev.limbo.rules.Severity;
import java.util.List;

/** Builds a {@link Report} from an observation and its findings. */
public final class Reports {
    private Reports() {
    }

    public static Report of(Observation obs, List<Finding> findings, String procRoot, long intervalMs) {
        // The first pass is the complete one (later live passes re-read only suspects).
        Sample complete = obs.first();
        int zombies = 0;
        int dstate = 0;
        for (Task t : obs.latest().tasks().values()) {
            if (t.state().isZombie()) {
                zombies++;
            } else if (t.state().isUninterruptible()) {
                dstate++;
            }
        }
        int c = 0;
        int w = 0;
        int i = 0;
        for (Finding f : findings) {
            if (f.severity() == Severity.CRITICAL) {
                c++;
            } else if (f.severity() == Severity.WARNING) {
                w++;
            } else {
                i++;
            }
        }
        var host = obs.latest().host();
        return new Report(
                new Report.Host(host == null ? null : host.hostname(), host == null ? null : host.kernelRelease(),
                        procRoot, obs.samples().size(), intervalMs),
                new Report.Summary(complete.processes().size(), complete.tasks().size(), zombies, dstate, c, w, i),
                findings);
    }
}
