package dev.limbo.live;

import static dev.limbo.fixtures.FixtureChecks.assertReleasedCleanly;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.limbo.fixtures.Fixture;
import dev.limbo.fixtures.NativeFixtures;
import dev.limbo.fixtures.Subreaper;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** limbo diagnoses the FUSE reproductions of the founding case (and a hung live task) on the live /proc. */
@Tag("live")
// in a separate thread: an interrupt does not free a thread blocked on a FUSE mount or a held mmap lock
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FuseCasesLiveTest {
    private static final long SIGKILL_BIT = 1L << (9 - 1);

    @BeforeAll
    static void live() {
        NativeFixtures.assumeFuse();
        Subreaper.enable();
    }

    @AfterAll
    static void reapStrays() {
        Subreaper.reapStrays(java.time.Duration.ofMillis(500));
    }

    static Set<String> rules(List<JsonNode> findings) {
        return findings.stream().map(f -> f.path("rule").asText()).collect(Collectors.toCollection(TreeSet::new));
    }

    static boolean hasSigkill(String statusLine) {
        int tab = statusLine.indexOf('\t');
        if (tab < 0) return false;
        try {
            return (Long.parseUnsignedLong(statusLine.substring(tab + 1).trim(), 16) & SIGKILL_BIT) != 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "fuse-stuck --mode {0}")
    @ValueSource(strings = {"read", "flush", "writeback"})
    void founding_case_is_zombie_leader_stuck_thread(String mode) {
        Fixture f = Fixture.start("fuse-stuck", "--mode", mode);
        Set<Integer> ids;
        try (f) {
            ids = f.allIds();
            int v = f.pid("victim"), t = f.tid("stuck");
            Limbo s = Limbo.scan();
            assertThat(s.exitCode).as("scan exit code (worst CRITICAL); stderr %s", s.stderr).isEqualTo(2);
            List<JsonNode> mine = s.findingsAbout(f);
            // hung-task holds for the stuck thread too (SPEC "Findings are facts"): one story
            Set<String> expected = mode.equals("read")
                    ? Set.of("zombie-leader-stuck-thread", "hung-task")
                    : Set.of("zombie-leader-stuck-thread", "stuck-in-exit", "hung-task");
            assertThat(rules(mine)).as("rules about the fixture's processes: %s", Limbo.summary(mine))
                    .isEqualTo(new TreeSet<>(expected));
            for (JsonNode x : mine) {
                assertThat(x.path("pid").asInt()).as("finding about %s", Limbo.summary(List.of(x))).isEqualTo(v);
                Limbo.assertComplete(x);
            }

            JsonNode z = Limbo.the(mine, "zombie-leader-stuck-thread", v);
            assertThat(z.path("severity").asText()).isEqualTo("CRITICAL");
            JsonNode hung = Limbo.the(mine, "hung-task", v);
            assertThat(Limbo.tids(hung)).containsExactly(t);
            assertThat(mine).allSatisfy(x -> assertThat(x.path("story").asText()).isEqualTo(z.path("story").asText()));
            assertThat(Limbo.tids(z)).containsExactly(t);
            assertThat(Limbo.evidence(z, "/" + v + "/status")).contains("State:\tZ (zombie)");
            String task = "/" + v + "/task/" + t;
            assertThat(Limbo.evidence(z, task + "/status")).contains("State:\tD (disk sleep)");
            assertThat(Limbo.evidence(z, task + "/status")).as("SIGKILL pending in the D thread's evidence")
                    .anyMatch(l -> (l.startsWith("ShdPnd:") || l.startsWith("SigPnd:")) && hasSigkill(l));
            List<String> stack = Limbo.evidence(z, task + "/stack");
            String frame = mode.equals("writeback") ? "fuse_release+" : "request_wait_answer+";
            assertThat(stack).as("stack evidence of the D thread").anyMatch(l -> l.contains(frame));
            if (!mode.equals("read")) {
                JsonNode x = Limbo.the(mine, "stuck-in-exit", v);
                assertThat(x.path("severity").asText()).isEqualTo("CRITICAL");
                assertThat(Limbo.tids(x)).containsExactly(t);
                assertThat(Limbo.evidence(x, task + "/stack")).anyMatch(l -> l.contains("do_exit+"));
            }

            Limbo e = Limbo.explain(v);
            assertThat(e.exitCode).as("explain %d exit code", v).isEqualTo(2);
            assertThat(e.findingsAbout(Set.of(v))).anyMatch(x -> x.path("rule").asText().equals("zombie-leader-stuck-thread"));
        }
        assertReleasedCleanly(f);
        Limbo after = Limbo.scan("--samples", "1");
        assertThat(Limbo.summary(after.findingsAbout(ids))).as("findings after release").isEmpty();
    }

    @Test
    void hung_d_is_a_hung_task() {
        Fixture f = Fixture.start("hung-d");
        Set<Integer> ids;
        try (f) {
            ids = f.allIds();
            int v = f.pid("victim");
            Limbo s = Limbo.scan();
            assertThat(s.exitCode).isEqualTo(2);
            List<JsonNode> mine = s.findingsAbout(f);
            assertThat(rules(mine)).as("%s", Limbo.summary(mine)).containsExactly("hung-task");
            JsonNode h = Limbo.the(mine, "hung-task", v);
            assertThat(h.path("severity").asText()).isEqualTo("CRITICAL");
            assertThat(Limbo.tids(h)).containsExactly(v);
            assertThat(Limbo.evidence(h, "/task/" + v + "/stack")).anyMatch(l -> l.contains("fuse_fsync+"));
            Limbo.assertComplete(h);
        }
        assertReleasedCleanly(f);
        assertThat(Limbo.summary(Limbo.scan("--samples", "1").findingsAbout(ids))).isEmpty();
    }
}
