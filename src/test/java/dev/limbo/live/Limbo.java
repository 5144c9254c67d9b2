package dev.limbo.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.cli.Main;
import dev.limbo.fixtures.Fixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Runs limbo in-process ({@code Main.execute}) and reads its {@code limbo/v1} JSON. */
final class Limbo {
    private static final ObjectMapper JSON = new ObjectMapper();

    final int exitCode;
    final JsonNode json;
    final Duration took;
    final String stderr;

    private Limbo(int exitCode, JsonNode json, Duration took, String stderr) {
        this.exitCode = exitCode;
        this.json = json;
        this.took = took;
        this.stderr = stderr;
    }

    static Limbo run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(o, e, args);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        String text = out.toString(StandardCharsets.UTF_8), errText = err.toString(StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (IOException ex) {
            throw new AssertionError("limbo " + String.join(" ", args) + " (exit " + code + ") printed no JSON: "
                    + text + "\nstderr: " + errText, ex);
        }
        assertThat(json.path("schema").asText()).as("schema of limbo %s", String.join(" ", args)).isEqualTo("limbo/v1");
        return new Limbo(code, json, took, errText);
    }

    /**
     * The read timeout of live scans in these tests, unless a test passes its own: the default
     * 500 ms is about a responsive host, and a loaded 2-core CI machine can take longer than that
     * to answer an ordinary /proc read, which would add a proc-read-blocked finding the test did
     * not expect. Tests about the timeout itself pass {@code --read-timeout} explicitly.
     */
    static final String PATIENT_READS = "3s";

    /** {@code limbo scan --format json} (live /proc), with extra options. */
    static Limbo scan(String... extra) {
        List<String> a = new ArrayList<>(List.of("scan", "--format", "json"));
        a.addAll(List.of(extra));
        return run(patient(a));
    }

    static Limbo explain(int pid, String... extra) {
        List<String> a = new ArrayList<>(List.of("explain", Integer.toString(pid), "--format", "json"));
        a.addAll(List.of(extra));
        return run(patient(a));
    }

    private static String[] patient(List<String> args) {
        if (!args.contains("--read-timeout")) {
            args.add("--read-timeout");
            args.add(PATIENT_READS);
        }
        return args.toArray(new String[0]);
    }

    /** Findings about any of these ids (as pid, or in tids). */
    List<JsonNode> findingsAbout(Set<Integer> ids) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode f : json.path("findings")) {
            boolean hit = ids.contains(f.path("pid").asInt());
            for (JsonNode t : f.path("tids")) hit |= ids.contains(t.asInt());
            if (hit) out.add(f);
        }
        return out;
    }

    List<JsonNode> findingsAbout(Fixture f) {
        return findingsAbout(f.allIds());
    }

    /** "rule severity pid [tids]" of each finding, for readable assertion messages. */
    static List<String> summary(List<JsonNode> findings) {
        return findings.stream()
                .map(f -> f.path("rule").asText() + " " + f.path("severity").asText() + " pid=" + f.path("pid").asInt()
                        + " tids=" + f.path("tids"))
                .collect(Collectors.toList());
    }

    /** The single finding of this rule about this pid; fails listing what there is otherwise. */
    static JsonNode the(List<JsonNode> findings, String rule, int pid) {
        List<JsonNode> hits = findings.stream()
                .filter(f -> f.path("rule").asText().equals(rule) && f.path("pid").asInt() == pid)
                .collect(Collectors.toList());
        assertThat(hits).as("one %s finding for pid %d among %s", rule, pid, summary(findings)).hasSize(1);
        return hits.get(0);
    }

    static List<Integer> tids(JsonNode finding) {
        List<Integer> out = new ArrayList<>();
        finding.path("tids").forEach(t -> out.add(t.asInt()));
        return out;
    }

    /** Evidence lines whose path ends with the suffix (e.g. "/task/123/stack"). */
    static List<String> evidence(JsonNode finding, String pathSuffix) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : finding.path("evidence")) {
            if (e.path("path").asText().endsWith(pathSuffix)) out.add(e.path("line").asText());
        }
        return out;
    }

    /** The SPEC's required parts of a finding are there and not empty. */
    static void assertComplete(JsonNode f) {
        String id = f.path("rule").asText() + " " + f.path("pid");
        assertThat(f.path("title").asText()).as("title of %s", id).isNotBlank();
        assertThat(f.path("evidence").size()).as("evidence of %s", id).isPositive();
        for (JsonNode e : f.path("evidence")) {
            assertThat(e.path("path").asText()).as("evidence path in %s", id).startsWith("/proc/");
            assertThat(e.has("line")).as("evidence line in %s", id).isTrue();
        }
        assertThat(f.path("causes").size()).as("causes of %s", id).isPositive();
        assertThat(f.path("releasedWhen").asText()).as("releasedWhen of %s", id).isNotBlank();
        assertThat(f.path("doesNotHelp").isArray()).as("doesNotHelp of %s", id).isTrue();
        assertThat(f.path("remedies").size()).as("remedies of %s", id).isPositive();
        for (JsonNode r : f.path("remedies")) {
            assertThat(r.path("action").asText()).as("remedy action in %s", id).isNotBlank();
            assertThat(r.path("risk").asText()).as("remedy risk in %s", id).isNotBlank();
        }
    }
}
