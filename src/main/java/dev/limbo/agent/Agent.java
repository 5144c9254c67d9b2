package dev.limbo.agent;

import dev.limbo.monitor.Check;
import dev.limbo.monitor.SchedClock;
import dev.limbo.monitor.StuckAges;
import dev.limbo.monitor.RuleFilter;
import dev.limbo.model.Observation;
import dev.limbo.model.Sample;
import dev.limbo.model.Task;
import dev.limbo.procfs.BlockedRead;
import dev.limbo.sampling.ProcSource;
import dev.limbo.procfs.ReadPool;
import dev.limbo.sampling.Sampler;
import dev.limbo.report.Report;
import dev.limbo.report.Reports;
import dev.limbo.rules.Diagnoser;
import dev.limbo.rules.Finding;
import dev.limbo.rules.HungTaskRule;
import dev.limbo.rules.ProcReadBlockedRule;
import dev.limbo.rules.RuleOptions;
import dev.limbo.rules.Severity;
import dev.limbo.rules.Texts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The {@code limbo watch} agent's state machine, one {@link #round()} per interval: sample,
 * track every Z/D task (when it became stuck, whether it progressed), diagnose, decide which
 * findings are open, emit events when one appears, changes severity or resolves, and publish an
 * immutable {@link State} for the HTTP endpoints.
 *
 * <p>What makes a finding open: its rule is allowed by {@code --rules}; its Z/D tasks have been
 * seen stuck in two consecutive samples (a live source; a one-off zombie that its parent reaps
 * within the interval never shows) and for at least {@code --min-age}; a {@code hung-task} only
 * once its task has not progressed for {@code --hung-after} (default: the host's
 * {@code hung_task_timeout_secs}), and then it is CRITICAL. A finding resolves when a round no
 * longer produces it, except while reads of its process time out (then it is kept: absence of
 * evidence is not evidence of release).
 *
 * <p>Cost: a full pass reads every task's {@code stat}; with {@code fullEveryMs} > 0, rounds between
 * full passes re-read only the processes with a Z/D task (and their parents and tracers), so a
 * new stuck task is noticed within {@code fullEveryMs}; task counts come from the last full pass.
 *
 * <p>Memory is bounded: per-task state exists only for tasks currently in Z or D, per-finding
 * state only for open findings, and only the previous sample is kept.
 */
public final class Agent {
    /** Where time comes from (a test may drive it). */
    public interface Clock {
        long nanos();

        long epochMillis();

        Clock SYSTEM = new Clock() {
            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public long epochMillis() {
                return System.currentTimeMillis();
            }
        };
    }

    /**
     * @param hungAfterMs when a non-progressing D task becomes {@code hung-task}; negative: the
     *     host's hung_task_timeout_secs (120 s when that is 0 or unreadable)
     */
    public record Config(long intervalMs, long hungAfterMs, long minAgeMs, RuleFilter rules, RuleOptions ruleOptions,
            Texts texts, long readTimeoutMs, long fullEveryMs) {
        /** Every round a full pass. */
        public Config(long intervalMs, long hungAfterMs, long minAgeMs, RuleFilter rules, RuleOptions ruleOptions,
                Texts texts, long readTimeoutMs) {
            this(intervalMs, hungAfterMs, minAgeMs, rules, ruleOptions, texts, readTimeoutMs, 0);
        }
    }

    /** An event for the NDJSON log. {@code previous} only for severity changes. */
    public record Event(String type, long epochMillis, Finding finding, Severity previous, long sinceEpochMillis,
            double stuckSeconds, double reportedSeconds) {
    }

    /** An open finding as published: the finding, since when its tasks are stuck, for how long. */
    public record OpenFinding(String key, Finding finding, long sinceEpochMillis, double stuckSeconds, long appearedEpochMillis) {
    }

    /** What one round established; immutable, read by the HTTP endpoints. */
    public record State(int round, long epochMillis, long monotonicNanos, double scanSeconds, Report report,
            List<OpenFinding> findings, Map<String, Integer> tasksByState, int processes, int trackedTasks,
            double hungAfterSeconds, int quarantined) {
    }

    /**
     * A process whose /proc read timed out. Re-reading it every round would leave one more reader
     * thread stuck in the kernel each time (the read blocks for as long as the lock is held, maybe
     * days), so the process is left out of the passes while one probe thread repeats the read
     * that blocked; when the probe's read returns, the process is sampled again. Its open findings
     * stay open meanwhile. At most one probe per process, and at most {@link #MAX_QUARANTINE}.
     */
    private static final class Probe {
        final String path;
        volatile boolean done;

        Probe(String path) {
            this.path = path;
        }
    }

    static final int MAX_QUARANTINE = 256;

    private static final class Tracked {
        final int tgid;
        final char state;
        final long startTicks;
        long switches;
        long sinceNanos;
        int rounds;

        Tracked(int tgid, char state, long startTicks, long switches, long sinceNanos) {
            this.tgid = tgid;
            this.state = state;
            this.startTicks = startTicks;
            this.switches = switches;
            this.sinceNanos = sinceNanos;
            this.rounds = 1;
        }
    }

    private static final class Open {
        Finding finding;
        long sinceNanos;
        final long appearedNanos;

        Open(Finding f, long sinceNanos, long appearedNanos) {
            this.finding = f;
            this.sinceNanos = sinceNanos;
            this.appearedNanos = appearedNanos;
        }
    }

    private final ProcSource source;
    private final Config config;
    private final Consumer<List<Event>> events;
    private final Clock clock;
    private final Map<Integer, Tracked> tracked = new HashMap<>();
    private final Map<String, Open> open = new LinkedHashMap<>();
    private final Map<Integer, Probe> quarantine = new ConcurrentHashMap<>();
    private Sample previous;
    private Sample lastFull;
    private long lastFullNanos;
    private int round;
    private SchedClock schedClock;
    private long calibratedAt;
    private static final long CALIBRATE_EVERY_NANOS = 60_000_000_000L;
    private volatile State state;

    private final AtomicLong scans = new AtomicLong();
    private final AtomicLong readTimeouts = new AtomicLong();
    private final AtomicLong failedRounds = new AtomicLong();
    private final Map<String, AtomicLong> eventCounts = new ConcurrentHashMap<>();

    public Agent(ProcSource source, Config config, Consumer<List<Event>> events, Clock clock) {
        this.source = source;
        this.config = config;
        this.events = events;
        this.clock = clock;
        for (String t : List.of("appeared", "severity-changed", "resolved")) {
            eventCounts.put(t, new AtomicLong());
        }
    }

    public State state() {
        return state;
    }

    public Config config() {
        return config;
    }

    public String procRoot() {
        return source.display();
    }

    public long scans() {
        return scans.get();
    }

    public long readTimeouts() {
        return readTimeouts.get();
    }

    public long failedRounds() {
        return failedRounds.get();
    }

    public void roundFailed() {
        failedRounds.incrementAndGet();
    }

    public Map<String, Long> eventCounts() {
        Map<String, Long> out = new TreeMap<>();
        eventCounts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** One sampling round; returns (and publishes) the new state. Called from one thread only. */
    public State round() {
        long t0 = clock.nanos();
        long now0 = System.nanoTime();
        round++;
        ReadPool pool = new ReadPool(2, Math.max(1, config.readTimeoutMs()));
        Observation obs;
        StuckAges ages;
        boolean live = source.isLive();
        Set<Integer> excluded = Set.of();
        if (live) {
            if (schedClock == null || now0 - calibratedAt > CALIBRATE_EVERY_NANOS) {
                schedClock = SchedClock.calibrate(source.liveRoot());
                calibratedAt = now0;
            }
            ages = StuckAges.with(source.liveRoot(), schedClock);
            quarantine.values().removeIf(p -> p.done);
            Sampler sampler = new Sampler(source.liveRoot(), pool);
            Sample cur;
            boolean full = lastFull == null || config.fullEveryMs() <= 0
                    || now0 - lastFullNanos >= (config.fullEveryMs() - config.intervalMs() / 2) * 1_000_000L;
            if (!full) {
                excluded = Set.copyOf(quarantine.keySet());
                Set<Integer> only = new HashSet<>();
                for (Tracked tr : tracked.values()) {
                    only.add(tr.tgid);
                }
                for (Open o : open.values()) {
                    only.add(o.finding.pid());
                }
                only.removeAll(excluded);
                cur = sampler.sample(round, only, Set.of());
            } else if (quarantine.isEmpty()) {
                cur = sampler.full(round);
            } else {
                excluded = Set.copyOf(quarantine.keySet());
                Set<Integer> only = new HashSet<>();
                String[] names = source.liveRoot().list("");
                for (String n : names == null ? new String[0] : names) {
                    int pid = pidOf(n);
                    if (pid > 0 && !excluded.contains(pid)) {
                        only.add(pid);
                    }
                }
                cur = sampler.sample(round, only, Set.of());
            }
            for (BlockedRead b : cur.blockedReads()) {
                quarantine(b);
            }
            if (full) {
                lastFull = cur;
                lastFullNanos = now0;
            }
            obs = previous == null ? new Observation(List.of(cur)) : new Observation(List.of(previous, cur));
        } else {
            ages = StuckAges.none();
            obs = source.observe(pool, 1, 0, Set.of());
        }
        Sample cur = obs.latest();
        readTimeouts.addAndGet(cur.blockedReads().size());
        Set<Integer> blockedPids = new HashSet<>();
        for (BlockedRead b : cur.blockedReads()) {
            blockedPids.add(b.pid());
        }
        blockedPids.addAll(quarantine.keySet());
        long now = clock.nanos();

        track(cur, ages, blockedPids, now);

        double hungAfter = hungAfterSeconds(cur);
        List<Finding> found = new Diagnoser(config.ruleOptions(), config.texts()).diagnose(obs, config.rules());
        Map<String, Open> current = new LinkedHashMap<>();
        for (Finding f : found) {
            if (excluded.contains(f.pid())) {
                continue; // not read this round: what the rules say of it comes from the previous sample
            }
            List<Task> subjects = StuckAges.subjects(f, cur);
            long since = now;
            // A timed-out read is evidence on its own; anything else must be seen twice.
            boolean confirmed = subjects.isEmpty() || !live || f.rule().equals(ProcReadBlockedRule.ID);
            for (Task s : subjects) {
                Tracked tr = tracked.get(s.tid());
                if (tr != null) {
                    since = Math.min(since, tr.sinceNanos);
                    confirmed |= tr.rounds >= 2;
                }
            }
            double stuck = (now - since) / 1e9;
            if (!confirmed || (!subjects.isEmpty() && stuck * 1000 < config.minAgeMs())) {
                continue;
            }
            if (f.rule().equals(HungTaskRule.ID)) {
                if (stuck < hungAfter) {
                    continue;
                }
                f = withSeverity(f, Severity.CRITICAL);
            }
            current.putIfAbsent(key(f), new Open(f, since, now));
        }

        List<Event> out = new ArrayList<>();
        long wall = clock.epochMillis();
        for (Map.Entry<String, Open> e : current.entrySet()) {
            Open c = e.getValue();
            Open o = open.get(e.getKey());
            if (o == null) {
                open.put(e.getKey(), c);
                out.add(event("appeared", wall, now, c, null));
            } else {
                Severity before = o.finding.severity();
                o.finding = c.finding;
                o.sinceNanos = c.sinceNanos;
                if (before != c.finding.severity()) {
                    out.add(event("severity-changed", wall, now, o, before));
                }
            }
        }
        for (Iterator<Map.Entry<String, Open>> it = open.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Open> e = it.next();
            if (current.containsKey(e.getKey())) {
                continue;
            }
            if (blockedPids.contains(e.getValue().finding.pid())) {
                continue; // its reads timed out this round: not evidence that it was released
            }
            it.remove();
            out.add(event("resolved", wall, now, e.getValue(), null));
        }

        List<OpenFinding> published = new ArrayList<>();
        for (Map.Entry<String, Open> e : open.entrySet()) {
            Open o = e.getValue();
            published.add(new OpenFinding(e.getKey(), o.finding, toEpoch(o.sinceNanos, wall, now), (now - o.sinceNanos) / 1e9,
                    toEpoch(o.appearedNanos, wall, now)));
        }
        List<String> order = dev.limbo.rules.RuleCatalog.all().stream().map(dev.limbo.rules.Rule::id).toList();
        published.sort(Comparator.comparing((OpenFinding o) -> o.finding().severity())
                .thenComparing(o -> order.indexOf(o.finding().rule()))
                .thenComparingInt(o -> o.finding().pid()));
        List<Finding> findings = published.stream().map(OpenFinding::finding).toList();
        Sample counted = live && lastFull != null ? lastFull : cur;
        Report report = Reports.of(new Observation(counted == cur ? List.of(cur) : List.of(counted, cur)), findings,
                source.display(), config.intervalMs());
        Map<String, Integer> byState = new TreeMap<>();
        for (Task t : counted.tasks().values()) {
            byState.merge(Check.stateLabel(t), 1, Integer::sum);
        }
        double seconds = (clock.nanos() - t0) / 1e9;
        State s = new State(round, wall, now, seconds, report, List.copyOf(published), byState, counted.processes().size(),
                tracked.size(), hungAfter, quarantine.size());
        if (live) {
            previous = cur;
        }
        scans.incrementAndGet();
        state = s;
        for (Event ev : out) {
            eventCounts.computeIfAbsent(ev.type(), k -> new AtomicLong()).incrementAndGet();
        }
        if (!out.isEmpty()) {
            events.accept(out);
        }
        return s;
    }

    private void quarantine(BlockedRead b) {
        if (quarantine.containsKey(b.pid()) || quarantine.size() >= MAX_QUARANTINE) {
            return;
        }
        String prefix = source.liveRoot().display("");
        if (!b.path().startsWith(prefix)) {
            return;
        }
        Probe probe = new Probe(b.path().substring(prefix.length()));
        quarantine.put(b.pid(), probe);
        Thread t = new Thread(() -> {
            try {
                source.liveRoot().read(probe.path, 4096);
            } catch (RuntimeException e) {
                // unreadable now: it does not block any more either
            } finally {
                probe.done = true;
            }
        }, "limbo-probe");
        t.setDaemon(true);
        t.start();
    }

    public int quarantined() {
        return quarantine.size();
    }

    private static int pidOf(String name) {
        return dev.limbo.sampling.Sampler.pidOf(name);
    }

    /** Per-task tracking of Z/D tasks: since when stuck (seeded from the scheduler clock), rounds seen. */
    private void track(Sample cur, StuckAges ages, Set<Integer> blockedPids, long now) {
        Set<Integer> seen = new HashSet<>();
        for (Task t : cur.tasks().values()) {
            if (!StuckAges.stuckState(t)) {
                continue;
            }
            seen.add(t.tid());
            long switches = t.status() == null ? -1 : t.status().contextSwitches();
            long start = t.stat() == null ? -1 : t.stat().startTimeTicks();
            Tracked tr = tracked.get(t.tid());
            if (tr == null || tr.state != t.state().letter() || tr.tgid != t.tgid() || tr.startTicks != start) {
                double est = ages.sinceLastRan(t);
                if (est > 0) {
                    double sinceStart = StuckAges.sinceStart(t, cur.uptime());
                    if (sinceStart >= 0) {
                        est = Math.min(est, sinceStart);
                    }
                }
                long since = est > 0 ? now - (long) (est * 1e9) : now;
                tracked.put(t.tid(), new Tracked(t.tgid(), t.state().letter(), start, switches, since));
            } else {
                if (t.state().isUninterruptible() && switches >= 0 && tr.switches >= 0 && switches != tr.switches) {
                    tr.sinceNanos = now; // it ran: it progressed, so it is stuck only from now on
                }
                tr.switches = switches;
                tr.rounds++;
            }
        }
        tracked.entrySet().removeIf(e -> !seen.contains(e.getKey()) && !blockedPids.contains(e.getValue().tgid));
    }

    private double hungAfterSeconds(Sample cur) {
        if (config.hungAfterMs() >= 0) {
            return config.hungAfterMs() / 1000.0;
        }
        int host = cur.host() == null ? -1 : cur.host().hungTaskTimeoutSecs();
        return host > 0 ? host : 120;
    }

    private Event event(String type, long wall, long now, Open o, Severity previous) {
        return new Event(type, wall, o.finding, previous, toEpoch(o.sinceNanos, wall, now), (now - o.sinceNanos) / 1e9,
                (now - o.appearedNanos) / 1e9);
    }

    private static long toEpoch(long nanos, long wall, long now) {
        return wall - (now - nanos) / 1_000_000L;
    }

    /** Identity of a finding across rounds: rule, process and first thread (blocked reads: per process). */
    static String key(Finding f) {
        if (f.rule().equals(ProcReadBlockedRule.ID)) {
            return f.rule() + "/" + f.pid();
        }
        return f.rule() + "/" + f.pid() + "/" + (f.tids().isEmpty() ? "" : f.tids().get(0));
    }

    static Finding withSeverity(Finding f, Severity s) {
        if (f.severity() == s) {
            return f;
        }
        return new Finding(f.rule(), s, f.pid(), f.tids(), f.title(), f.evidence(), f.causes(), f.releasedWhen(),
                f.doesNotHelp(), f.remedies(), f.comm(), f.attribution(), f.nsPids(), f.waitsOn(), f.progress(), f.blocker());
    }
}
