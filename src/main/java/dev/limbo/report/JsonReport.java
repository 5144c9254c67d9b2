package dev.limbo.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.limbo.model.Wait;
import dev.limbo.rules.Evidence;
import dev.limbo.rules.Finding;
import dev.limbo.rules.Remedy;

/** Renders a {@link Report} as SPEC {@code limbo/v1} JSON (fields in the SPEC's order, additions after). */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();

    static {
        MAPPER.getFactory().setCharacterEscapes(new TerminalSafeEscapes());
        COMPACT.getFactory().setCharacterEscapes(new TerminalSafeEscapes());
    }

    /**
     * JSON's own escapes plus DEL, the C1 controls and the Unicode controls that reorder lines
     * (all as {@code &#92;uXXXX}): the text stays exact for a program and inert on a terminal.
     */
    private static final class TerminalSafeEscapes extends com.fasterxml.jackson.core.io.CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        TerminalSafeEscapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
            boolean control = (ch >= 0x80 && ch <= 0x9f) || (ch >= 0x202a && ch <= 0x202e) || (ch >= 0x2066 && ch <= 0x2069)
                    || ch == 0x2028 || ch == 0x2029 || ch == 0x200e || ch == 0x200f || ch == 0x061c;
            return control ? new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }

    private JsonReport() {
    }

    /** Indented JSON, terminal-safe (use this, not {@code toPrettyString()}). */
    public static String pretty(com.fasterxml.jackson.databind.JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One-line JSON, terminal-safe (use this, not {@code toString()}). */
    public static String compact(com.fasterxml.jackson.databind.JsonNode n) {
        try {
            return COMPACT.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String render(Report r) {
        try {
            return MAPPER.writeValueAsString(tree(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode tree(Report r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", Report.SCHEMA);
        ObjectNode host = root.putObject("host");
        host.put("hostname", r.host().hostname());
        host.put("kernel", r.host().kernel());
        host.put("procRoot", r.host().procRoot());
        host.put("samples", r.host().samples());
        host.put("intervalMs", r.host().intervalMs());
        host.put("version", BuildInfo.version());
        ObjectNode summary = root.putObject("summary");
        summary.put("processes", r.summary().processes());
        summary.put("tasks", r.summary().tasks());
        summary.put("zombies", r.summary().zombies());
        summary.put("dstate", r.summary().dstate());
        ObjectNode counts = summary.putObject("findings");
        counts.put("CRITICAL", r.summary().critical());
        counts.put("WARNING", r.summary().warning());
        counts.put("INFO", r.summary().info());
        ArrayNode findings = root.putArray("findings");
        for (Finding f : r.findings()) {
            findings.add(finding(f));
        }
        return root;
    }

    public static ObjectNode finding(Finding f) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("rule", f.rule());
        n.put("severity", f.severity().name());
        n.put("pid", f.pid());
        ArrayNode tids = n.putArray("tids");
        f.tids().forEach(tids::add);
        n.put("title", f.title());
        ArrayNode ev = n.putArray("evidence");
        for (Evidence e : f.evidence()) {
            ev.addObject().put("path", e.path()).put("line", e.line());
        }
        ArrayNode causes = n.putArray("causes");
        f.causes().forEach(causes::add);
        n.put("releasedWhen", f.releasedWhen());
        ArrayNode dnh = n.putArray("doesNotHelp");
        f.doesNotHelp().forEach(dnh::add);
        ArrayNode rem = n.putArray("remedies");
        for (Remedy r : f.remedies()) {
            rem.addObject().put("action", r.action()).put("risk", r.risk());
        }
        if (f.comm() != null) {
            n.put("comm", f.comm());
        }
        if (f.attribution() != null) {
            if (f.attribution().containerId() != null) {
                n.putObject("container").put("runtime", f.attribution().runtime()).put("id", f.attribution().containerId());
            }
            if (f.attribution().unit() != null) {
                n.put("unit", f.attribution().unit());
            }
        }
        if (f.nsPids() != null) {
            ArrayNode ns = n.putArray("nsPids");
            f.nsPids().forEach(ns::add);
        }
        if (f.waitsOn() != null) {
            n.set("waitsOn", wait(f.waitsOn()));
        }
        if (f.progress() != null) {
            n.put("progress", f.progress());
        }
        if (f.story() != null) {
            n.put("story", f.story());
        }
        if (f.blocker() != null) {
            n.set("blocker", blocker(f.blocker()));
        }
        return n;
    }

    private static ObjectNode blocker(dev.limbo.rules.Blocker b) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("kind", b.kind());
        if (b.pid() != null) {
            n.put("pid", b.pid());
        }
        if (b.tid() != null) {
            n.put("tid", b.tid());
        }
        n.put("name", b.name());
        n.put("detail", b.detail());
        ArrayNode ev = n.putArray("evidence");
        for (Evidence e : b.evidence()) {
            ev.addObject().put("path", e.path()).put("line", e.line());
        }
        return n;
    }

    static ObjectNode wait(Wait w) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("kind", w.kind().name().toLowerCase().replace('_', '-'));
        if (w.function() != null) {
            n.put("function", w.function());
        }
        if (w.module() != null) {
            n.put("module", w.module());
        }
        if (w.killable() != null) {
            n.put("killable", w.killable());
        }
        n.put("exiting", w.exiting());
        n.put("basis", w.basis());
        if (w.fuseConnection() >= 0) {
            n.put("fuseConnection", w.fuseConnection());
        }
        if (w.file() != null) {
            n.put("file", w.file());
        }
        if (w.mountPoint() != null) {
            n.put("mountPoint", w.mountPoint());
        }
        return n;
    }
}
