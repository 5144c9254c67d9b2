package dev.limbo.agent;

import dev.limbo.rules.Finding;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent's Prometheus metrics, through the Prometheus Java client. Every value is read from
 * the agent's last published state when scraped (callbacks), so a finding that resolved leaves no
 * stale series behind. Names (stable; documented in docs/operations.md):
 * <ul>
 * <li>{@code limbo_tasks{state}}: tasks (threads) by state in the last pass (running, sleeping,
 * disk_sleep, zombie, stopped, tracing_stop, idle, parked, dead, ...);</li>
 * <li>{@code limbo_processes}: thread groups in the last pass;</li>
 * <li>{@code limbo_findings{rule,severity}}: open findings;</li>
 * <li>{@code limbo_stuck_seconds{rule,pid,comm}}: how long the tasks of each open finding have
 * been stuck (the longest when a rule has several findings for one pid);</li>
 * <li>{@code limbo_scan_duration_seconds}, {@code limbo_last_scan_timestamp_seconds},
 * {@code limbo_scans_total}, {@code limbo_scan_failures_total};</li>
 * <li>{@code limbo_proc_read_timeouts_total}: /proc reads abandoned after the read timeout;</li>
 * <li>{@code limbo_events_total{event}}; {@code limbo_tracked_tasks}: Z/D tasks with state held;
 * {@code limbo_reader_threads}: live /proc reader threads (between scans, readers stuck in a
 * blocked read); {@code limbo_quarantined_processes}; {@code limbo_hung_after_seconds};</li>
 * <li>{@code process_cpu_seconds_total}, {@code process_resident_memory_bytes}: the agent itself.</li>
 * </ul>
 */
public final class AgentMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();

    public AgentMetrics(Agent agent) {
        GaugeWithCallback.builder().name("limbo_tasks").help("Tasks (threads) by state in the last full pass.")
                .labelNames("state").callback(cb -> {
                    Agent.State s = agent.state();
                    if (s != null) {
                        dev.limbo.monitor.Check.withZeroStates(s.tasksByState()).forEach((k, v) -> cb.call(v, k));
                    }
                }).register(registry);
        Info.builder().name("limbo_build_info").help("The limbo build this agent runs.").labelNames("version")
                .register(registry).setLabelValues(dev.limbo.report.BuildInfo.version());
        GaugeWithCallback.builder().name("limbo_processes").help("Processes (thread groups) in the last full pass.")
                .callback(cb -> {
                    Agent.State s = agent.state();
                    if (s != null) {
                        cb.call(s.processes());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("limbo_findings").help("Open findings by rule and severity.")
                .labelNames("rule", "severity").callback(cb -> {
                    Agent.State s = agent.state();
                    if (s == null) {
                        return;
                    }
                    Map<String, Integer> counts = new TreeMap<>();
                    for (Agent.OpenFinding o : s.findings()) {
                        counts.merge(o.finding().rule() + "\u0000" + o.finding().severity().name(), 1, Integer::sum);
                    }
                    counts.forEach((k, v) -> {
                        String[] p = k.split("\u0000", -1);
                        cb.call(v, p[0], p[1]);
                    });
                }).register(registry);
        GaugeWithCallback.builder().name("limbo_stuck_seconds")
                .help("How long the tasks of each open finding have been stuck (estimate; see docs/operations.md).")
                .unit(Unit.SECONDS).labelNames("rule", "pid", "comm").callback(cb -> {
                    Agent.State s = agent.state();
                    if (s == null) {
                        return;
                    }
                    Map<String, Double> max = new TreeMap<>();
                    for (Agent.OpenFinding o : s.findings()) {
                        Finding f = o.finding();
                        String k = f.rule() + "\u0000" + f.pid() + "\u0000" + (f.comm() == null ? "" : f.comm());
                        max.merge(k, o.stuckSeconds(), Math::max);
                    }
                    max.forEach((k, v) -> {
                        String[] p = k.split("\u0000", -1);
                        cb.call(v, p[0], p[1], p[2]);
                    });
                }).register(registry);
        GaugeWithCallback.builder().name("limbo_scan_duration_seconds").unit(Unit.SECONDS)
                .help("Duration of the last scan round (sampling and diagnosis).").callback(cb -> {
                    Agent.State s = agent.state();
                    if (s != null) {
                        cb.call(s.scanSeconds());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("limbo_last_scan_timestamp_seconds").unit(Unit.SECONDS)
                .help("When the last scan round finished (Unix time).").callback(cb -> {
                    Agent.State s = agent.state();
                    if (s != null) {
                        cb.call(s.epochMillis() / 1000.0);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("limbo_tracked_tasks").help("Z/D tasks the agent holds state for.")
                .callback(cb -> {
                    Agent.State s = agent.state();
                    cb.call(s == null ? 0 : s.trackedTasks());
                }).register(registry);
        GaugeWithCallback.builder().name("limbo_hung_after_seconds").unit(Unit.SECONDS)
                .help("A D task that does not progress this long is reported as hung-task.").callback(cb -> {
                    Agent.State s = agent.state();
                    if (s != null) {
                        cb.call(s.hungAfterSeconds());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("limbo_quarantined_processes")
                .help("Processes left out of the passes because a /proc read of theirs blocked; one probe re-reads each until it returns.")
                .callback(cb -> cb.call(agent.quarantined())).register(registry);
        GaugeWithCallback.builder().name("limbo_reader_threads")
                .help("Live /proc reader threads; between scans these are readers stuck in a blocked read.")
                .callback(cb -> cb.call(readerThreads())).register(registry);
        CounterWithCallback.builder().name("limbo_scans_total").help("Scan rounds completed.")
                .callback(cb -> cb.call(agent.scans())).register(registry);
        CounterWithCallback.builder().name("limbo_scan_failures_total").help("Scan rounds that failed (the agent went on).")
                .callback(cb -> cb.call(agent.failedRounds())).register(registry);
        CounterWithCallback.builder().name("limbo_proc_read_timeouts_total")
                .help("/proc reads abandoned after the read timeout (a task's mmap or exec lock is held).")
                .callback(cb -> cb.call(agent.readTimeouts())).register(registry);
        CounterWithCallback.builder().name("limbo_events_total").help("Finding events emitted, by event type.")
                .labelNames("event").callback(cb -> agent.eventCounts().forEach((k, v) -> cb.call(v, k))).register(registry);
        CounterWithCallback.builder().name("process_cpu_seconds_total").unit(Unit.SECONDS)
                .help("CPU time (user and system) used by the agent.")
                .callback(cb -> {
                    double v = selfCpuSeconds();
                    if (v >= 0) {
                        cb.call(v);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("process_resident_memory_bytes").unit(Unit.BYTES)
                .help("Resident memory of the agent.").callback(cb -> {
                    long v = selfRssBytes();
                    if (v >= 0) {
                        cb.call(v);
                    }
                }).register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Writes the exposition the Accept header asks for; returns its content type. */
    public String write(String accept, OutputStream out) throws IOException {
        ExpositionFormatWriter w = formats.findWriter(accept);
        w.write(out, registry.scrape());
        return w.getContentType();
    }

    static int readerThreads() {
        Thread[] all = new Thread[Thread.activeCount() + 16];
        int n = Thread.enumerate(all);
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (all[i] != null && ("limbo-read".equals(all[i].getName()) || "limbo-probe".equals(all[i].getName()))) {
                c++;
            }
        }
        return c;
    }

    /** utime + stime of this process from /proc/self/stat, in seconds, or -1. */
    public static double selfCpuSeconds() {
        try {
            String s = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks / (double) dev.limbo.procfs.Sysconf.clockTicksPerSecond();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** VmRSS of this process in bytes, or -1. */
    public static long selfRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }
}
