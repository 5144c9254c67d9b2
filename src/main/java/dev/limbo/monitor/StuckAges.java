package dev.limbo.monitor;

import dev.limbo.model.Observation;
import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Sample;
import dev.limbo.model.Task;
import dev.limbo.procfs.ProcRoot;
import dev.limbo.sampling.ProcSource;
import dev.limbo.procfs.Sysconf;
import dev.limbo.rules.Finding;
import dev.limbo.rules.ZombieAccumulationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * How long a Z or D task has been stuck. The kernel records no "entered Z/D at" time, so limbo
 * combines what it can know:
 * <ul>
 * <li><b>since last ran</b> (live only): {@code se.exec_start} of {@code /proc/PID/task/TID/sched}
 * is the scheduler clock when the task last ran on a CPU. A zombie last ran when it exited, a D
 * task when it went to sleep, so the time since then estimates the time stuck. The clock is the
 * per-CPU task clock, which leaves out that CPU's interrupt and steal time, so it is compared
 * with the same CPU's clock, measured per CPU ({@link SchedClock}). The file needs a kernel with
 * scheduler debug files (most distributions).</li>
 * <li><b>observed</b>: the span of the samples, ending with the latest, in which the task stayed
 * in the same state (a D task also with unchanged context switches): a lower bound.</li>
 * <li><b>since start</b>: the task's age from its {@code stat} start time: an upper bound.</li>
 * </ul>
 * The age is the larger of the first two, capped by the third. A saved tree has no scheduler
 * clock, so there only the observed span counts (one sample: 0).
 */
public final class StuckAges {
    private final ProcRoot root;
    private final SchedClock clock;

    private StuckAges(ProcRoot root, SchedClock clock) {
        this.root = root;
        this.clock = clock;
    }

    /** Reads the scheduler clock now (live sources), or knows nothing (saved trees). */
    public static StuckAges now(ProcSource source) {
        return source.isLive() ? now(source.liveRoot()) : none();
    }

    public static StuckAges now(ProcRoot root) {
        if (root == null || !root.isLive()) {
            return none();
        }
        return new StuckAges(root, SchedClock.calibrate(root));
    }

    /** Like {@link #now(ProcRoot)} but reusing a calibration (the agent recalibrates now and then). */
    public static StuckAges with(ProcRoot root, SchedClock clock) {
        return new StuckAges(root, clock);
    }

    public static StuckAges none() {
        return new StuckAges(null, null);
    }

    /** Seconds since the task last ran on a CPU, or -1 when unknown. */
    public double sinceLastRan(Task t) {
        if (root == null || clock == null) {
            return -1;
        }
        double exec = execStartMs(root.read(t.tgid() + "/task/" + t.tid() + "/sched").text());
        int cpu = SchedClock.processor(t.statRead() == null ? null : t.statRead().text());
        return clock.secondsSince(exec, cpu);
    }

    /** {@code se.exec_start} in milliseconds from a sched file, or -1. */
    static double execStartMs(String text) {
        if (text == null) {
            return -1;
        }
        int i = text.indexOf("se.exec_start");
        if (i < 0) {
            return -1;
        }
        int colon = text.indexOf(':', i);
        int nl = text.indexOf('\n', i);
        if (colon < 0 || (nl >= 0 && colon > nl)) {
            return -1;
        }
        try {
            return Double.parseDouble(text.substring(colon + 1, nl < 0 ? text.length() : nl).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Seconds since the task started (from stat and uptime), or -1. */
    public static double sinceStart(Task t, double uptime) {
        if (t.stat() == null || t.stat().startTimeTicks() < 0 || uptime < 0) {
            return -1;
        }
        return Math.max(0, uptime - t.stat().startTimeTicks() / (double) Sysconf.clockTicksPerSecond());
    }

    /** Whether the task is in a state limbo tracks (Z or D). */
    public static boolean stuckState(Task t) {
        return t != null && (t.state().isZombie() || t.state().isUninterruptible());
    }

    /**
     * Seconds over which the samples, ending with the latest, show the task in its current state
     * (a D task with unchanged context switches); 0 when only the latest shows it.
     */
    public static double observedSeconds(Observation obs, int tid) {
        List<Sample> samples = obs.samples();
        Sample last = obs.latest();
        Task now = last.task(tid);
        if (now == null) {
            return 0;
        }
        long switches = now.status() == null ? -1 : now.status().contextSwitches();
        Sample earliest = last;
        for (int i = samples.size() - 2; i >= 0; i--) {
            Task t = samples.get(i).task(tid);
            if (t == null) {
                if (samples.get(i).complete()) {
                    break;
                }
                continue; // a restricted pass that did not look at it
            }
            if (t.state() != now.state()) {
                break;
            }
            if (now.state().isUninterruptible()) {
                long s = t.status() == null ? -1 : t.status().contextSwitches();
                if (s != switches) {
                    break;
                }
            }
            earliest = samples.get(i);
        }
        if (earliest == last) {
            return 0;
        }
        double a = earliest.uptime();
        double b = last.uptime();
        if (a >= 0 && b > a) {
            return b - a;
        }
        return Math.max(0, (last.monotonicNanos() - earliest.monotonicNanos()) / 1e9);
    }

    /** The check's age of one task: max(observed, since last ran), capped by since start. */
    public double age(Observation obs, Task t) {
        double a = Math.max(observedSeconds(obs, t.tid()), sinceLastRan(t));
        if (root != null) {
            double start = sinceStart(t, obs.latest().uptime());
            if (start >= 0) {
                a = Math.min(a, start);
            }
        }
        return a;
    }

    /**
     * The Z/D tasks a finding is about: its threads, its process's leader, and for
     * zombie-accumulation the parent's zombie children.
     */
    public static List<Task> subjects(Finding f, Sample s) {
        List<Task> out = new ArrayList<>();
        for (int tid : f.tids()) {
            Task t = s.task(tid);
            if (stuckState(t)) {
                out.add(t);
            }
        }
        ProcessInfo p = s.process(f.pid());
        if (p != null && stuckState(p.leader()) && !out.contains(p.leader())) {
            out.add(p.leader());
        }
        if (out.isEmpty() && ZombieAccumulationRule.ID.equals(f.rule())) {
            for (ProcessInfo z : s.processes().values()) {
                if (z.leader() != null && z.leader().state().isZombie() && z.leader().ppid() == f.pid()) {
                    out.add(z.leader());
                }
            }
        }
        return out;
    }
}
