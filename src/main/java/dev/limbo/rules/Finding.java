package dev.limbo.rules;

import dev.limbo.model.Attribution;
import dev.limbo.model.Wait;
import java.util.List;

/**
 * One diagnosis. The first ten fields are the SPEC's {@code limbo/v1} finding; the rest are
 * additions: the process name, where it lives (container, unit, pids in its namespaces), what
 * the stuck thread waits on, whether it progressed, and who blocks it (null when unknown).
 */
public record Finding(
        String rule,
        Severity severity,
        int pid,
        List<Integer> tids,
        String title,
        List<Evidence> evidence,
        List<String> causes,
        String releasedWhen,
        List<String> doesNotHelp,
        List<Remedy> remedies,
        String comm,
        Attribution attribution,
        List<Integer> nsPids,
        Wait waitsOn,
        String progress,
        Blocker blocker) {
}
