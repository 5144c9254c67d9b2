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
 * must give; native-fixtures/capture-trees writes both): every expected finding is found, with its
 * severity, pid and tids, and nothing else about the fixture's processes, INFO included.
 * proc-read-blocked comes from a saved tree too: {@code limbo snapshot} leaves a
 * {@code <file>.limbo-timed-out} marker where a read timed out (mmap-lock-held: the victim's cmdline).
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
    Stream<DynamicTest> nothingUnexpectedAboutTheFixture() throws IOException {
        JsonNode index = index();
        List<DynamicTest> tests = new ArrayList<>();
        index.fieldNames().forEachRemaining(name -> tests.add(DynamicTest.dynamicTest(name, () -> {
            List<String> expected = new ArrayList<>();
            for (JsonNode e : index.get(name).get("expected")) {
                expected.add(key(e.get("rule").asText(), e.get("severity").asText(), e.get("pid").asInt()));
            }
            // The trees are whole-host snapshots taken on a shared machine: judge only the
            // fixture's own processes.
            java.util.Set<Integer> own = own(index, name);
            List<String> seen = new ArrayList<>();
            for (Finding f : found(name)) {
                String id = f.rule() + " " + f.pid() + " " + f.tids();
                assertThat(seen).as("%s: %s reported twice", name, id).doesNotContain(id);
                seen.add(id);
            }
            for (Finding f : found(name)) {
                // INFO too: killable-wait and zombie-leader-live-threads are INFO, and a rule
                // that fires where it should not is a wrong diagnosis at any severity.
                if (own.contains(f.pid())) {
                    assertThat(expected).as("%s: unexpected %s %s", name, f.rule(), f.tids())
                            .contains(key(f.rule(), f.severity().name(), f.pid()));
                }
            }
        })));
        return tests.stream();
    }

    /** The fixture's pids (and tids) as index.json records them. */
    static java.util.Set<Integer> own(JsonNode index, String name) {
        java.util.Set<Integer> own = new java.util.HashSet<>();
        for (String section : new String[] {"pids", "tids"}) {
            index.get(name).get("fixture").path(section).forEach(p -> {
                if (p.isArray()) {
                    p.forEach(q -> own.add(q.asInt()));
                } else {
                    own.add(p.asInt());
                }
            });
        }
        return own;
    }

    static int pid(JsonNode index, String tree, String role) {
        JsonNode fx = index.get(tree).get("fixture");
        JsonNode v = fx.path("pids").has(role) ? fx.path("pids").get(role) : fx.path("tids").get(role);
        assertThat(v).as("%s: %s in index.json", tree, role).isNotNull();
        return v.asInt();
    }

    /** rule ids found about these tasks (as pid or among the tids). */
    static List<String> rulesAbout(String tree, int... ids) {
        List<String> out = new ArrayList<>();
        for (Finding f : found(tree)) {
            for (int id : ids) {
                if (f.pid() == id || f.tids().contains(id)) {
                    out.add(f.rule());
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Real trees where the two INFO rules must stay silent: a D task that kill cannot end is not a
     * killable-wait, and a zombie leader whose other thread is stuck in D (the founding case) or a
     * single-threaded zombie is not zombie-leader-live-threads.
     */
    @org.junit.jupiter.api.Test
    void killableWaitAndLiveThreadsStaySilentWhereTheyDoNotApply() throws IOException {
        JsonNode index = index();
        // hung-d: the victim sleeps in TASK_UNINTERRUPTIBLE (a FUSE request never answered)
        int hungVictim = pid(index, "hung-d", "victim");
        assertThat(rulesAbout("hung-d", hungVictim)).contains(HungTaskRule.ID).doesNotContain(KillableWaitRule.ID);
        // mmap-lock-held: the thread holding the lock is in uninterruptible D; only the queued writer is killable
        int lockHolder = pid(index, "mmap-lock-held", "stuck");
        assertThat(rulesAbout("mmap-lock-held", lockHolder)).doesNotContain(KillableWaitRule.ID);
        assertThat(rulesAbout("mmap-lock-held", pid(index, "mmap-lock-held", "writer"))).contains(KillableWaitRule.ID);
        for (String tree : List.of("fuse-read", "fuse-flush", "fuse-writeback")) {
            int victim = pid(index, tree, "victim");
            assertThat(rulesAbout(tree, victim)).as(tree).contains(ZombieLeaderStuckThreadRule.ID)
                    .doesNotContain(ZombieLeaderLiveThreadsRule.ID, KillableWaitRule.ID);
        }
        assertThat(rulesAbout("unreaped-zombie", pid(index, "unreaped-zombie", "zombie")))
                .contains(UnreapedZombieRule.ID).doesNotContain(ZombieLeaderLiveThreadsRule.ID);
        assertThat(rulesAbout("traced-zombie", pid(index, "traced-zombie", "process")))
                .contains(TracedZombieRule.ID).doesNotContain(ZombieLeaderLiveThreadsRule.ID);
        // and the positive cases, so that silence above is not a rule that never fires on real trees
        assertThat(rulesAbout("pthread-exit", pid(index, "pthread-exit", "process"))).contains(ZombieLeaderLiveThreadsRule.ID);
        assertThat(rulesAbout("vfork-parent", pid(index, "vfork-parent", "parent"))).contains(KillableWaitRule.ID);
    }
}
