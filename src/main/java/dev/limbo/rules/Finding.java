package dev.limbo.rules;

import dev.limbo.model.Attribution;
import dev.limbo.model.Wait;
import java.util.List;

/**
 * One diagnosis. The first ten fields are the SPEC's {@code limbo/v1} finding; the rest are
 * additions: the process name, where it lives (container, unit, pids in its namespaces), what
 * the stuck thread waits on, whether it progressed, who blocks it (null when unknown), and the
 * story it belongs to: an id shared by the findings about the same task(s) (set by the
 * {@link Diagnoser}; null before).
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
        Blocker blocker,
        String story) {

    public Finding withStory(String id) {
        return new Finding(rule, severity, pid, tids, title, evidence, causes, releasedWhen, doesNotHelp, remedies,
                comm, attribution, nsPids, waitsOn, progress, blocker, id);
    }

    public Finding withSeverity(Severity s) {
        return s == severity ? this : new Finding(rule, s, pid, tids, title, evidence, causes, releasedWhen, doesNotHelp,
                remedies, comm, attribution, nsPids, waitsOn, progress, blocker, story);
    }
}
