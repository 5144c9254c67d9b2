package dev.limbo.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.procfs.Fixtures;
import dev.limbo.testing.Prerequisites;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The snapshots the native fixtures left in src/test/resources/trees (index.json lists what each
 * must give): every expected finding is found, with its severity, pid and tids, and nothing else
 * at WARNING or above. proc-read-blocked cannot come from a saved tree (its files were readable
 * when saved), so that expectation is left to the live tests.
 */
class CapturedTreesTest {

    static JsonNode index() throws IOException {
        java.nio.file.Path index = java.nio.file.Path.of(System.getProperty("limbo.repo", "."), "src/test/resources/trees/index.json");
        Prerequisites.require(java.nio.file.Files.exists(index), "no captured trees (src/test/resources/trees/index.json)");
        return new ObjectMapper().readTree(index.toFile());
    }

    /** Each tree is read and diagnosed once for both checks (they are whole-host snapshots). */
    private static final Map<String, List<Finding>> FOUND = new ConcurrentHashMap<>();

    static List<Finding> found(String name) {
        return FOUND.computeIfAbsent(name,
                n -> Cases.diagnose(Cases.observe(Fixtures.path("trees/" + n)), RuleOptions.DEFAULTS));
    }

    static String key(String rule, String severity, int pid) {
        return rule + " " + severity + " " + pid;
    }

    @TestFactory
    Stream<DynamicTest> everyExpectedFindingIsFound() throws IOException {
        JsonNode index = index();
        List<DynamicTest> tests = new ArrayList<>();
        index.fieldNames().forEachRemaining(name -> tests.add(DynamicTest.dynamicTest(name, () -> {
            List<Finding> found = found(name);
            for (JsonNode e : index.get(name).get("expected")) {
                String rule = e.get("rule").asText();
                if (rule.equals(ProcReadBlockedRule.ID)) {
                    continue;
                }
                String want = key(rule, e.get("severity").asText(), e.get("pid").asInt());
                List<Finding> same = found.stream()
                        .filter(f -> key(f.rule(), f.severity().name(), f.pid()).equals(want)).toList();
                assertThat(same).as("%s: %s in %s", name, want, Cases.rules(found)).isNotEmpty();
                if (e.has("tids")) {
                    List<Integer> tids = new ArrayList<>();
                    e.get("tids").forEach(t -> tids.add(t.asInt()));
                    assertThat(same).as("%s: tids of %s", name, want)
                            .anySatisfy(f -> assertThat(f.tids()).containsExactlyInAnyOrderElementsOf(tids));
                }
            }
        })));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> nothingWorseThanExpected() throws IOException {
        JsonNode index = index();
        List<DynamicTest> tests = new ArrayList<>();
        index.fieldNames().forEachRemaining(name -> tests.add(DynamicTest.dynamicTest(name, () -> {
            List<String> expected = new ArrayList<>();
            for (JsonNode e : index.get(name).get("expected")) {
                expected.add(key(e.get("rule").asText(), e.get("severity").asText(), e.get("pid").asInt()));
            }
            // The trees are whole-host snapshots taken on a shared machine: judge only the
            // fixture's own processes.
            java.util.Set<Integer> own = new java.util.HashSet<>();
            index.get(name).get("fixture").path("pids").forEach(p -> {
                if (p.isArray()) {
                    p.forEach(q -> own.add(q.asInt()));
                } else {
                    own.add(p.asInt());
                }
            });
            for (Finding f : found(name)) {
                if (f.severity() != Severity.INFO && own.contains(f.pid())) {
                    assertThat(expected).as("%s: unexpected %s %s", name, f.rule(), f.tids())
                            .contains(key(f.rule(), f.severity().name(), f.pid()));
                }
            }
        })));
        return tests.stream();
    }
}
