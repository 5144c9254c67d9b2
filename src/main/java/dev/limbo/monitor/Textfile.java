package dev.limbo.monitor;

import dev.limbo.rules.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * node_exporter textfile-collector output of {@code limbo check --textfile PATH}: Prometheus text
 * format, written to a temporary file in the same directory (not ending in {@code .prom}, so the
 * collector ignores it) and renamed over PATH, so the collector never sees a partial file. The
 * metric names are those of {@code limbo watch} where they mean the same thing.
 */
public final class Textfile {
    private final StringBuilder out = new StringBuilder();

    private Textfile() {
    }

    /** The metrics of a finished check. */
    public static String render(Check.Outcome o, double timestampSeconds) {
        Textfile t = new Textfile();
        t.header(timestampSeconds, o.status());
        t.meta("limbo_check_duration_seconds", "gauge", "How long the last limbo check took to observe and diagnose.");
        t.sample("limbo_check_duration_seconds", Map.of(), o.scanSeconds());
        t.meta("limbo_check_zombies", "gauge", "Zombies counted by the last check (after --min-age): the zombies perfdata.");
        t.sample("limbo_check_zombies", Map.of(), o.zombies());
        t.meta("limbo_check_dstate", "gauge", "Tasks in D counted by the last check (after --min-age): the dstate perfdata.");
        t.sample("limbo_check_dstate", Map.of(), o.dstate());
        t.meta("limbo_check_proc_read_timeouts", "gauge", "/proc reads the last check abandoned after the read timeout.");
        t.sample("limbo_check_proc_read_timeouts", Map.of(), o.readTimeouts());
        t.meta("limbo_processes", "gauge", "Processes (thread groups) seen in the last full pass.");
        t.sample("limbo_processes", Map.of(), o.report().summary().processes());
        t.meta("limbo_tasks", "gauge", "Tasks (threads) by state in the last full pass.");
        for (Map.Entry<String, Integer> e : o.tasksByState().entrySet()) {
            t.sample("limbo_tasks", Map.of("state", e.getKey()), e.getValue());
        }
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
        t.meta("limbo_findings", "gauge", "Current findings by rule and severity.");
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            String[] k = e.getKey().split("\u0000", -1);
            t.sample("limbo_findings", labels("rule", k[0], "severity", k[1]), e.getValue());
        }
        t.meta("limbo_stuck_seconds", "gauge", "How long the tasks of each current finding have been stuck (estimate, see docs/operations.md).");
        for (Map.Entry<String, double[]> e : stuck.entrySet()) {
            String[] k = e.getKey().split("\u0000", -1);
            t.sample("limbo_stuck_seconds", labels("rule", k[0], "pid", k[1], "comm", k[2]), e.getValue()[0]);
        }
        return t.out.toString();
    }

    /** The metrics of a check that could not finish (status UNKNOWN). */
    public static String renderUnknown(double timestampSeconds) {
        Textfile t = new Textfile();
        t.header(timestampSeconds, Check.UNKNOWN);
        return t.out.toString();
    }

    private void header(double ts, int status) {
        meta("limbo_check_status", "gauge", "Result of the last limbo check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
        sample("limbo_check_status", Map.of(), status);
        meta("limbo_check_timestamp_seconds", "gauge", "When the last limbo check finished (Unix time).");
        sample("limbo_check_timestamp_seconds", Map.of(), ts);
    }

    private static Map<String, String> labels(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private void meta(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, Map<String, String> labels, double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> e : labels.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return java.math.BigDecimal.valueOf(v).toPlainString();
    }

    /** Writes atomically: temp file in the same directory, mode 0644, then rename over the target. */
    public static void write(Path target, String content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("directory does not exist: " + dir);
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
