package dev.limbo.monitor;

import dev.limbo.report.BuildInfo;
import dev.limbo.rules.Finding;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * node_exporter textfile-collector output of {@code limbo check --textfile PATH}: Prometheus text
 * format, written by the Prometheus client's own text writer, to a temporary file in the same
 * directory (not ending in {@code .prom}, so the collector ignores it) and renamed over PATH, so
 * the collector never sees a partial file. The metric names are those of {@code limbo watch}
 * where they mean the same thing.
 */
public final class Textfile {
    private final List<MetricSnapshot> metrics = new ArrayList<>();

    private Textfile() {
    }

    /** The metrics of a finished check. */
    public static String render(Check.Outcome o, double timestampSeconds) {
        Textfile t = new Textfile();
        t.header(timestampSeconds, o.status());
        t.gauge("limbo_check_duration_seconds", "How long the last limbo check took to observe and diagnose.",
                point(o.scanSeconds()));
        t.gauge("limbo_check_zombies", "Zombies counted by the last check (after --min-age): the zombies perfdata.",
                point(o.zombies()));
        t.gauge("limbo_check_dstate", "Tasks in D counted by the last check (after --min-age): the dstate perfdata.",
                point(o.dstate()));
        t.gauge("limbo_check_proc_read_timeouts", "/proc reads the last check abandoned after the read timeout.",
                point(o.readTimeouts()));
        t.gauge("limbo_processes", "Processes (thread groups) seen in the last full pass.",
                point(o.report().summary().processes()));
        List<GaugeDataPointSnapshot> byState = new ArrayList<>();
        Check.withZeroStates(o.tasksByState()).forEach((state, n) -> byState.add(point(n, "state", state)));
        t.gauge("limbo_tasks", "Tasks (threads) by state in the last full pass.", byState.toArray(GaugeDataPointSnapshot[]::new));
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, double[]> stuck = new TreeMap<>();
        for (Finding f : o.findings()) {
            counts.merge(f.rule() + "\u0000" + f.severity().name(), 1, Integer::sum);
            double age = o.ages().getOrDefault(f, -1.0);
            if (age >= 0) {
                String key = f.rule() + "\u0000" + f.pid() + "\u0000" + (f.comm() == null ? "" : f.comm());
                stuck.merge(key, new double[] {age}, (a, b) -> a[0] >= b[0] ? a : b);
            }
        }
        List<GaugeDataPointSnapshot> findings = new ArrayList<>();
        counts.forEach((key, n) -> {
            String[] k = key.split("\u0000", -1);
            findings.add(point(n, "rule", k[0], "severity", k[1]));
        });
        t.gauge("limbo_findings", "Current findings by rule and severity.", findings.toArray(GaugeDataPointSnapshot[]::new));
        List<GaugeDataPointSnapshot> ages = new ArrayList<>();
        stuck.forEach((key, age) -> {
            String[] k = key.split("\u0000", -1);
            ages.add(point(age[0], "rule", k[0], "pid", k[1], "comm", k[2]));
        });
        t.gauge("limbo_stuck_seconds", "How long the tasks of each current finding have been stuck (estimate, see docs/operations.md).",
                ages.toArray(GaugeDataPointSnapshot[]::new));
        return t.text();
    }

    /** The metrics of a check that could not finish (status UNKNOWN). */
    public static String renderUnknown(double timestampSeconds) {
        Textfile t = new Textfile();
        t.header(timestampSeconds, Check.UNKNOWN);
        return t.text();
    }

    private void header(double ts, int status) {
        gauge("limbo_check_status", "Result of the last limbo check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.", point(status));
        gauge("limbo_check_timestamp_seconds", "When the last limbo check finished (Unix time).", point(ts));
        // an info metric: the client writes it as limbo_build_info{version="..."} 1
        metrics.add(InfoSnapshot.builder().name("limbo_build").help("The limbo build that wrote this file.")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of("version", BuildInfo.version())).build())
                .build());
    }

    private static GaugeDataPointSnapshot point(double value, String... labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }

    private void gauge(String name, String help, GaugeDataPointSnapshot... points) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (GaugeDataPointSnapshot p : points) {
            b.dataPoint(p);
        }
        metrics.add(b.build());
    }

    private String text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, new MetricSnapshots(metrics));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a memory stream does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Why a write failed, with the errno an operator can look up: Java's exceptions name only the
     * path ({@code AccessDeniedException: /var/lib/...}).
     */
    public static String why(IOException e) {
        String reason = e instanceof java.nio.file.FileSystemException fs ? fs.getReason() : null;
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied (EACCES)" + (reason == null ? "" : ": " + reason)
                    + "; the directory must be writable by the user limbo runs as";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory (ENOENT)";
        }
        if (reason != null) {
            String errno = reason.contains("Read-only file system") ? " (EROFS)"
                    : reason.contains("No space left") ? " (ENOSPC)"
                    : reason.contains("Operation not permitted") ? " (EPERM)" : "";
            return reason + errno;
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Writes atomically: temp file in the same directory, mode 0644, then rename over the target. */
    public static void write(Path target, String content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("directory " + dir + " does not exist (ENOENT); is node_exporter's textfile collector set up?");
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default mode
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
