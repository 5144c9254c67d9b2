package dev.limbo.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.limbo.procfs.IoErrors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The agent's NDJSON event log: one JSON object per line, to stdout or appended to a file. The
 * file is opened for each batch (so logrotate may move it without copytruncate) and each batch
 * is one write.
 *
 * <p>Every line has {@code time} (ISO-8601 UTC) and {@code event}: {@code started},
 * {@code stopped}, or for findings {@code appeared}, {@code severity-changed} (with
 * {@code previousSeverity}), {@code resolved}; finding events carry {@code rule}, {@code severity},
 * {@code pid}, {@code tids}, {@code comm}, {@code title}, {@code since} (when its tasks became
 * stuck, ISO-8601), {@code stuckSeconds} (how long they have been stuck at this event) and
 * {@code reportedSeconds} (since the {@code appeared} event); {@code resolved} also has
 * {@code durationSeconds}, the whole time stuck.
 */
public final class EventLog implements Consumer<List<Agent.Event>> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrintStream stream;
    private final Path file;

    private EventLog(PrintStream stream, Path file) {
        this.stream = stream;
        this.file = file;
    }

    public static EventLog to(PrintStream stream) {
        return new EventLog(stream, null);
    }

    public static EventLog to(Path file) {
        return new EventLog(null, file);
    }

    /**
     * An event log appending to {@code file}, checked now: the file is opened for append (and
     * made if missing), so that a path that cannot be written fails at startup, with the reason.
     */
    public static EventLog checked(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("it is a directory");
        }
        try (var out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            out.flush();
        } catch (java.nio.file.FileSystemException e) {
            throw new IOException(IoErrors.reason(e), e);
        }
        return new EventLog(null, file);
    }

    /** The reason of the current run of failed writes, printed once per run; null while writes succeed. */
    private String failing;

    @Override
    public void accept(List<Agent.Event> events) {
        StringBuilder b = new StringBuilder();
        for (Agent.Event e : events) {
            b.append(line(e)).append('\n');
        }
        write(b.toString());
    }

    /** A line that is not about a finding ({@code started}, {@code stopped}). */
    /** The version of the event lines' format (schema/limbo-events-v1.schema.json); it changes only with an incompatible change. */
    public static final String SCHEMA = "limbo-events/v1";

    public void lifecycle(String type, ObjectNode fields) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("schema", SCHEMA);
        n.put("time", Instant.ofEpochMilli(System.currentTimeMillis()).toString());
        n.put("event", type);
        if (fields != null) {
            n.setAll(fields);
        }
        write(dev.limbo.report.JsonReport.compact(n) + "\n");
    }

    public static ObjectNode fields() {
        return MAPPER.createObjectNode();
    }

    static String line(Agent.Event e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("schema", SCHEMA);
        n.put("time", Instant.ofEpochMilli(e.epochMillis()).toString());
        n.put("event", e.type());
        n.put("rule", e.finding().rule());
        n.put("severity", e.finding().severity().name());
        if (e.previous() != null) {
            n.put("previousSeverity", e.previous().name());
        }
        n.put("pid", e.finding().pid());
        ArrayNode tids = n.putArray("tids");
        e.finding().tids().forEach(tids::add);
        if (e.finding().comm() != null) {
            n.put("comm", e.finding().comm());
        }
        n.put("title", e.finding().title());
        n.put("since", Instant.ofEpochMilli(e.sinceEpochMillis()).toString());
        n.put("stuckSeconds", round(e.stuckSeconds()));
        n.put("reportedSeconds", round(e.reportedSeconds()));
        if (e.type().equals("resolved")) {
            n.put("durationSeconds", round(e.stuckSeconds()));
        }
        return dev.limbo.report.JsonReport.compact(n);
    }

    static double round(double s) {
        return Math.round(s * 1000) / 1000.0;
    }

    private synchronized void write(String text) {
        if (stream != null) {
            stream.print(text);
            stream.flush();
            return;
        }
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            if (failing != null) {
                System.err.println("limbo watch: writing events to " + file + " again");
                failing = null;
            }
        } catch (IOException e) {
            String reason = IoErrors.reason(e);
            if (!reason.equals(failing)) {
                System.err.println("limbo watch: cannot write events to " + file + ": " + reason + " (events are lost until it can)");
                failing = reason;
            }
        }
    }
}
