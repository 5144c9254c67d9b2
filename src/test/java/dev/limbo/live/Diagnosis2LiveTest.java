package dev.limbo.live;

import static dev.limbo.fixtures.FixtureChecks.assertReleasedCleanly;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.limbo.cli.Main;
import dev.limbo.fixtures.Fixture;
import dev.limbo.fixtures.NativeFixtures;
import dev.limbo.fixtures.Subreaper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11, items 2 and 3, on real reproductions: a zombie leader beside a thread waiting for its
 * vfork child (alive, not stuck), and execve() beside a stuck sibling (the exec waits killably in
 * de_thread(); the sibling is the hung task).
 */
@Tag("live")
@Timeout(240)
class Diagnosis2LiveTest {

    @BeforeAll
    static void live() {
        Subreaper.enable();
    }

    @AfterAll
    static void reapStrays() {
        Subreaper.reapStrays(java.time.Duration.ofMillis(500));
    }

    static Set<String> rules(List<JsonNode> findings) {
        return findings.stream().map(f -> f.path("rule").asText()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** {@code limbo explain PID} as a person reads it (text, English). */
    static String explainText(int pid) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            Main.execute(o, e, new String[] {"explain", Integer.toString(pid)});
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void zombie_leader_beside_a_vfork_wait_is_live_threads_and_a_killable_wait() {
        Fixture f = Fixture.start("zombie-vfork");
        Set<Integer> ids;
        try (f) {
            ids = f.allIds();
            int v = f.pid("victim"), w = f.tid("waiting");
            Limbo s = Limbo.scan();
            List<JsonNode> mine = s.findingsAbout(f);
            assertThat(rules(mine)).as("%s", Limbo.summary(mine))
                    .containsExactly("killable-wait", "zombie-leader-live-threads");
            JsonNode live = Limbo.the(mine, "zombie-leader-live-threads", v);
            JsonNode kill = Limbo.the(mine, "killable-wait", v);
            assertThat(live.path("severity").asText()).isEqualTo("INFO");
            assertThat(kill.path("severity").asText()).isEqualTo("INFO");
            assertThat(Limbo.tids(live)).containsExactly(w);
            assertThat(Limbo.tids(kill)).containsExactly(w);
            assertThat(kill.path("waitsOn").path("kind").asText()).isEqualTo("vfork");
            assertThat(kill.path("waitsOn").path("killable").asBoolean()).isTrue();
            assertThat(live.path("story").asText()).isEqualTo(kill.path("story").asText()).isEqualTo(v + "/" + w);
            assertThat(Limbo.evidence(live, "/" + v + "/status")).contains("State:\tZ (zombie)");
            assertThat(Limbo.evidence(kill, "/task/" + w + "/status")).contains("State:\tD (disk sleep)");
            for (JsonNode x : mine) {
                Limbo.assertComplete(x);
            }

            String text = explainText(v);
            assertThat(text).contains("INFO  zombie-leader-live-threads  pid " + v,
                    "Thread " + w + " (zombie-vfork) shows D, but its wait is killable",
                    "the same story, also:", "- INFO killable-wait pid " + v + " tids " + w + ": ")
                    .doesNotContain("zombie-leader-stuck-thread", "CRITICAL", "ignores every signal",
                            "SIGKILL is already pending");
        }
        assertReleasedCleanly(f);
        assertThat(Limbo.summary(Limbo.scan("--samples", "1").findingsAbout(ids))).as("findings after release").isEmpty();
    }

    @Test
    void exec_beside_a_stuck_sibling_waits_killably_and_the_sibling_is_hung() {
        NativeFixtures.assumeFuse();
        Fixture f = Fixture.start("exec-stuck-sibling");
        Set<Integer> ids;
        try (f) {
            ids = f.allIds();
            int v = f.pid("victim"), exec = f.tid("exec"), stuck = f.tid("stuck");
            Limbo s = Limbo.scan();
            assertThat(s.exitCode).isEqualTo(2);
            List<JsonNode> mine = s.findingsAbout(f);
            assertThat(rules(mine)).as("%s", Limbo.summary(mine)).containsExactly("hung-task", "killable-wait");
            JsonNode k = Limbo.the(mine, "killable-wait", v);
            assertThat(Limbo.tids(k)).containsExactly(exec);
            assertThat(k.path("waitsOn").path("kind").asText()).isEqualTo("exec");
            assertThat(k.path("waitsOn").path("killable").asBoolean()).isTrue();
            List<String> execStack = Limbo.evidence(k, "/task/" + exec + "/stack");
            assertThat(execStack).as("the exec'ing thread's stack").anyMatch(l -> l.contains("begin_new_exec+") || l.contains("de_thread+"));
            JsonNode h = Limbo.the(mine, "hung-task", v);
            assertThat(h.path("severity").asText()).isEqualTo("CRITICAL");
            assertThat(Limbo.tids(h)).containsExactly(stuck);
            assertThat(h.path("waitsOn").path("killable").asBoolean(true)).isFalse();
            // the text's claim rests on this field: SIGKILL (0x100) in the thread's own SigPnd
            assertThat(Limbo.evidence(h, "/task/" + stuck + "/status")).contains("SigPnd:\t0000000000000100");
            String cause = h.path("causes").get(0).asText();
            assertThat(cause).contains("SIGKILL was pending in its own SigPnd in", "so its wait is not killable");
            for (JsonNode x : mine) {
                Limbo.assertComplete(x);
            }

            String text = explainText(v);
            assertThat(text).contains("INFO  killable-wait  pid " + v + " (exec-stuck-sibl)  tids " + exec,
                    "waits on: exec (", "a kill -9 of the process ends the exec",
                    "CRITICAL  hung-task  pid " + v + " (exec-stuck-sibl)  tids " + stuck);
            // nothing says the exec'ing thread ignores SIGKILL
            String execPart = text.substring(text.indexOf("INFO  killable-wait"));
            assertThat(execPart.substring(0, execPart.indexOf("remedies"))).doesNotContain("ignores every signal");
        }
        assertReleasedCleanly(f);
        assertThat(Limbo.summary(Limbo.scan("--samples", "1").findingsAbout(ids))).as("findings after release").isEmpty();
    }
}
