package dev.limbo.model;

import java.util.List;

/** The samples of one run, in time order; rules judge the latest against the earlier ones. */
public record Observation(List<Sample> samples) {
    public Observation {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        samples = List.copyOf(samples);
    }

    public Sample latest() {
        return samples.get(samples.size() - 1);
    }

    public Sample first() {
        return samples.get(0);
    }

    /** Seconds between the first and last sample (monotonic clock, or uptime for saved samples). */
    public double spanSeconds() {
        if (samples.size() < 2) {
            return 0;
        }
        double a = first().uptime();
        double b = latest().uptime();
        if (a >= 0 && b > a) {
            return b - a;
        }
        return (latest().monotonicNanos() - first().monotonicNanos()) / 1e9;
    }

    /** Whether a D task progressed over the samples in which it appears. */
    public Progress progress(int tid) {
        long first = -1;
        int seen = 0;
        for (Sample s : samples) {
            Task t = s.task(tid);
            if (t == null) {
                continue;
            }
            if (!t.state().isUninterruptible()) {
                return seen > 0 ? Progress.PROGRESSING : Progress.UNKNOWN;
            }
            long switches = t.status() == null ? -1 : t.status().contextSwitches();
            if (switches < 0) {
                return Progress.UNKNOWN;
            }
            if (seen == 0) {
                first = switches;
            } else if (switches != first) {
                return Progress.PROGRESSING;
            }
            seen++;
        }
        return seen >= 2 ? Progress.STUCK : Progress.UNKNOWN;
    }

    /** In how many samples the task appears in the given state letter. */
    public int samplesIn(int tid, char state) {
        int n = 0;
        for (Sample s : samples) {
            Task t = s.task(tid);
            if (t != null && t.state().letter() == state) {
                n++;
            }
        }
        return n;
    }
}
