package dev.limbo.monitor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code -w/--warning} and {@code -c/--critical} of {@code limbo check}: per metric, a range in
 * the monitoring plugin syntax. Written {@code zombies=5,dstate=1} (or the option repeated);
 * the metrics are {@code zombies}, {@code dstate} and {@code findings}.
 */
public final class Thresholds {
    public static final List<String> METRICS = List.of("zombies", "dstate", "findings");

    private final Map<String, NagiosRange> ranges;

    private Thresholds(Map<String, NagiosRange> ranges) {
        this.ranges = ranges;
    }

    public static Thresholds none() {
        return new Thresholds(Map.of());
    }

    /** Parses the option values; {@code option} names the option in error messages. */
    public static Thresholds parse(List<String> specs, String option) {
        Map<String, NagiosRange> out = new LinkedHashMap<>();
        if (specs != null) {
            for (String spec : specs) {
                for (String part : spec.split(",")) {
                    String p = part.strip();
                    if (p.isEmpty()) {
                        continue;
                    }
                    int eq = p.indexOf('=');
                    if (eq < 0) {
                        throw new IllegalArgumentException(option + " '" + p + "' names no metric: write METRIC=RANGE with METRIC one of "
                                + String.join(", ", METRICS) + " (e.g. " + option + " zombies=5,dstate=1)");
                    }
                    String metric = p.substring(0, eq).strip();
                    if (!METRICS.contains(metric)) {
                        throw new IllegalArgumentException(option + ": unknown metric '" + metric + "' (use " + String.join(", ", METRICS) + ")");
                    }
                    try {
                        out.put(metric, NagiosRange.parse(p.substring(eq + 1)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(option + " " + metric + ": " + e.getMessage());
                    }
                }
            }
        }
        return new Thresholds(out);
    }

    public NagiosRange get(String metric) {
        return ranges.get(metric);
    }

    /** The range text for perfdata, or empty. */
    public String text(String metric) {
        NagiosRange r = ranges.get(metric);
        return r == null ? "" : r.text();
    }

    public boolean alerts(String metric, double value) {
        NagiosRange r = ranges.get(metric);
        return r != null && r.alerts(value);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }
}
