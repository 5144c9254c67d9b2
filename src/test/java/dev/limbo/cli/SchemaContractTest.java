package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.limbo.procfs.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every JSON document limbo prints validates against the schemas it ships (schema/*.json, also in
 * the jar): scan, explain, check, watch --once, rules, on every saved case and on this host; and
 * every line of the watch event stream. Validated with networknt's json-schema-validator
 * (draft 2020-12, formats asserted).
 */
class SchemaContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static JsonSchema schema(String name) throws IOException {
        // from the classpath, as shipped in the jar
        try (InputStream in = SchemaContractTest.class.getResourceAsStream("/schema/" + name)) {
            assertThat(in).as("schema/%s in the jar", name).isNotNull();
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        }
    }

    static void assertValid(JsonSchema schema, String json, String what) throws IOException {
        JsonNode node = JSON.readTree(json);
        Set<ValidationMessage> errors = schema.validate(node);
        assertThat(errors).as("%s against %s:\n%s", what, schema.getSchemaLocation(), json.length() > 4000 ? json.substring(0, 4000) : json)
                .isEmpty();
    }

    static List<Path> caseRoots() throws IOException {
        List<Path> roots = new ArrayList<>();
        roots.add(Fixtures.caseRoot("seed/proc"));
        try (Stream<Path> s = Files.list(Fixtures.path("cases"))) {
            for (Path p : s.sorted().toList()) {
                if (Files.isDirectory(p)) {
                    roots.add(Files.isDirectory(p.resolve("proc")) ? p.resolve("proc") : p);
                }
            }
        }
        assertThat(roots).hasSizeGreaterThan(20);
        return roots;
    }

    @Test
    void scanCheckAndWatchOnceOfEveryCaseValidate() throws IOException {
        JsonSchema v1 = schema("limbo-v1.schema.json");
        int findings = 0;
        for (Path root : caseRoots()) {
            Limbo scan = Limbo.run("scan", "--proc-root", root.toString(), "--format", "json");
            assertThat(scan.code()).as("scan %s: %s", root, scan.err()).isBetween(0, 2);
            assertValid(v1, scan.out(), "scan " + root);
            findings += JSON.readTree(scan.out()).get("findings").size();
            Limbo check = Limbo.run("check", "--proc-root", root.toString(), "--format", "json", "--hung-after", "0");
            assertValid(v1, check.out(), "check " + root);
            Limbo once = Limbo.run("watch", "--once", "--proc-root", root.toString(), "--format", "json");
            assertValid(v1, once.out(), "watch --once " + root);
        }
        assertThat(findings).as("the cases exercise the finding schema").isGreaterThan(20);
    }

    @Test
    void explainOfEveryStuckTaskInTheSeedValidates() throws IOException {
        JsonSchema v1 = schema("limbo-v1.schema.json");
        String seed = Fixtures.caseRoot("seed/proc").toString();
        for (String id : List.of("22889", "22976")) {
            Limbo r = Limbo.run("explain", id, "--proc-root", seed, "--format", "json");
            assertThat(r.code()).isBetween(0, 2);
            assertValid(v1, r.out(), "explain " + id);
            assertThat(JSON.readTree(r.out()).get("target").get("threads").size()).isPositive();
        }
        for (Path root : caseRoots()) {
            JsonNode scan = JSON.readTree(Limbo.run("scan", "--proc-root", root.toString(), "--format", "json").out());
            for (JsonNode f : scan.get("findings")) {
                Limbo r = Limbo.run("explain", f.get("pid").asText(), "--proc-root", root.toString(), "--format", "json");
                assertValid(v1, r.out(), "explain " + f.get("pid") + " in " + root);
            }
        }
    }

    @Test
    void rulesAndThisHostValidate() throws IOException {
        JsonSchema v1 = schema("limbo-v1.schema.json");
        assertValid(v1, Limbo.run("rules", "--format", "json").out(), "rules");
        assertValid(v1, Limbo.run("rules", "--format", "json", "--lang", "zh").out(), "rules zh");
        assertValid(v1, Limbo.run("rules", "zombie-leader-stuck-thread", "--format", "json").out(), "rules ID");
        Limbo live = Limbo.exact("scan", "--format", "json", "--samples", "1");
        assertValid(v1, live.out(), "scan of this host");
        assertThat(JSON.readTree(live.out()).get("host").get("version").asText()).isNotBlank();
    }

    @Test
    void theSchemaRejectsWhatIsNotLimboV1() throws IOException {
        JsonSchema v1 = schema("limbo-v1.schema.json");
        String good = Limbo.run("scan", "--proc-root", Fixtures.caseRoot("seed/proc").toString(), "--format", "json").out();
        JsonNode n = JSON.readTree(good);
        ((com.fasterxml.jackson.databind.node.ObjectNode) n.get("findings").get(0)).put("severity", "FATAL");
        assertThat(v1.validate(n)).isNotEmpty();
        JsonNode m = JSON.readTree(good);
        ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("findings").get(0)).put("madeUp", 1);
        assertThat(v1.validate(m)).isNotEmpty();
        JsonNode o = JSON.readTree(good);
        ((com.fasterxml.jackson.databind.node.ObjectNode) o.get("findings").get(0)).put("story", "told").put("ageSeconds", 3.5)
                .putObject("blocker").put("kind", "fuse").put("pid", 7).put("name", "sshfs").put("detail", "READ withheld").putArray("evidence");
        assertThat(v1.validate(o)).as("the optional fields other work adds").isEmpty();
    }

    @Test
    void everyEventLineValidates() throws Exception {
        JsonSchema events = schema("limbo-events-v1.schema.json");
        for (String root : List.of(Fixtures.caseRoot("seed/proc").toString(),
                dev.limbo.agent.AgentTestSupport.resource("cases-agent/hung").toString())) {
            Path file = tmp.resolve("events-" + Math.abs(root.hashCode()) + ".ndjson");
            Limbo r = Limbo.exact("watch", "--proc-root", root, "--interval", "200ms", "--duration", "1500ms", "--listen", "off",
                    "--hung-after", "0", "--events", file.toString());
            assertThat(r.code()).as(r.err()).isZero();
            List<String> lines = Files.readAllLines(file);
            List<String> types = new ArrayList<>();
            for (String line : lines) {
                assertValid(events, line, "event");
                types.add(JSON.readTree(line).get("event").asText());
            }
            assertThat(types).startsWith("started").endsWith("stopped").contains("appeared");
        }
        JsonNode bad = JSON.readTree("{\"schema\":\"limbo-events/v1\",\"time\":\"2026-01-01T00:00:00Z\",\"event\":\"appeared\"}");
        assertThat(events.validate(bad)).isNotEmpty();
    }
}
