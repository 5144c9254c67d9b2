package dev.limbo.live;

import static dev.limbo.fixtures.FixtureChecks.assertReleasedCleanly;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.limbo.fixtures.Fixture;
import dev.limbo.fixtures.NativeFixtures;
import dev.limbo.fixtures.Subreaper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** limbo diagnoses the zombie, vfork and ptrace fixtures on the live /proc, and stays quiet on odd comms. */
@Tag("live")
// in a separate thread: an interrupt does not free a thread blocked on a FUSE mount or a held mmap lock
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessCasesLiveTest {
    @BeforeAll
    static void live() {
        NativeFixtures.assumeLive();
        Subreaper.enable();
    }

    @AfterAll
    static void reapStrays() {
        Subreaper.reapStrays(java.time.Duration.ofMillis(500));
    }

    /** Scans with the fixture held; returns the findings about its processes (all checked complete). */
    private static List<JsonNode> held(Fixture f) {
        Limbo s = Limbo.scan();
        assertThat(s.exitCode).as("scan exit code; stderr %s", s.stderr).isBetween(0, 2);
        List<JsonNode> mine = s.findingsAbout(f);
        mine.forEach(Limbo::assertComplete);
        return mine;
    }

    /** {@code limbo explain PID} agrees with the scan: the same rule about the same pid. */
    private static void explainAgrees(int pid, String rule) {
        Limbo e = Limbo.explain(pid);
        assertThat(e.exitCode).as("explain %d exit code; stderr %s", pid, e.stderr).isBetween(0, 2);
        assertThat(e.json.path("target").path("pid").asInt()).isEqualTo(pid);
        assertThat(Limbo.summary(e.findingsAbout(Set.of(pid)))).as("explain %d findings", pid)
                .anyMatch(x -> x.startsWith(rule + " ") && x.contains(" pid=" + pid + " "));
    }

    private static void goneAfterRelease(Fixture f, Set<Integer> ids) {
        assertReleasedCleanly(f);
        assertThat(Limbo.summary(Limbo.scan("--samples", "1").findingsAbout(ids))).as("findings after release").isEmpty();
    }

    @Test
    void pthread_exit_leader_is_info_only() {
        Fixture f = Fixture.start("pthread-exit");
        Set<Integer> ids;
        try (f) {
            ids = f.allIds();
            int p = f.pid("process");
            List<JsonNode> mine = held(f);
            assertThat(Limbo.summary(mine)).as("findings").hasSize(1);
            JsonNode x = Limbo.the(mine, "zombie-leader-live-threads", p);
            explainAgrees(p, "zombie-leader-live-threads");
            assertThat(x.path("severity").asText()).isEqualTo("INFO");
            assertThat(Limbo.tids(x)).containsExactlyInAnyOrderElementsOf(f.tids("threads"));
            assertThat(Limbo.evidence(x, "/" + p + "/status")).contains("State:\tZ (zombie)");
        }
        goneAfterRelease(f, ids);
    }

    @Test
    void vfork_parent_is_a_killable_wait_not_a_hung_task() {
        Fixture f = Fixture.start("vfork-parent");
        Set<Integer> ids;
        try (f) {
            ids = f.allIds();
            int p = f.pid("parent");
            List<JsonNode> mine = held(f);
            assertThat(Limbo.summary(mine)).as("findings").noneMatch(s -> s.startsWith("hung-task "));
            JsonNode x = Limbo.the(mine, "killable-wait", p);
            explainAgrees(p, "killable-wait");
            assertThat(x.path("severity").asText()).isEqualTo("INFO");
            assertThat(Limbo.tids(x)).containsExactly(p);
            assertThat(Limbo.summary(mine)).hasSize(1);
        }
        goneAfterRelease(f, ids);
    }

    @Test
    void zombie_many_is_zombie_accumulation() {
        Fixture f = Fixture.start("zombie-many");
        Set<Integer> ids;
        try (f) {
            ids = f.allIds();
            int p = f.pid("parent");
            List<JsonNode> mine = held(f);
            JsonNode x = Limbo.the(mine, "zombie-accumulation", p);
            explainAgrees(p, "zombie-accumulation");
            assertThat(x.path("severity").asText()).isEqualTo("WARNING");
            // each child is also its own unreaped-zombie (SPEC "Findings are facts"): one story
            assertThat(Limbo.summary(mine)).as("findings").hasSize(13);
            for (int z : f.pids("zombies")) {
                JsonNode u = Limbo.the(mine, "unreaped-zombie", z);
                assertThat(u.path("story").asText()).isEqualTo(x.path("story").asText()).isEqualTo(Integer.toString(p));
            }
            assertThat(x.path("title").asText()).contains("12");
        }
        goneAfterRelease(f, ids);
    }

    @Test
    void zombie_accumulation_threshold_is_configurable() {
        Fixture f = Fixture.start("zombie-many", "--count", "3");
        try (f) {
            int p = f.pid("parent");
            Limbo s = Limbo.scan("--zombie-threshold", "3");
            Limbo.the(s.findingsAbout(f), "zombie-accumulation", p);
        }
        assertReleasedCleanly(f);
    }

    @Test
    void unreaped_zombie_is_reported_against_the_zombie() {
        Fixture f = Fixture.start("unreaped-zombie");
        Set<Integer> ids;
        try (f) {
            ids = f.allIds();
            int z = f.pid("zombie"), p = f.pid("parent");
            List<JsonNode> mine = held(f);
            assertThat(Limbo.summary(mine)).as("findings").hasSize(1);
            JsonNode x = Limbo.the(mine, "unreaped-zombie", z);
            explainAgrees(z, "unreaped-zombie");
            assertThat(x.path("severity").asText()).isEqualTo("WARNING");
            assertThat(Limbo.evidence(x, "/" + z + "/status")).contains("State:\tZ (zombie)");
            assertThat(x.toString()).contains(Integer.toString(p));
        }
        goneAfterRelease(f, ids);
    }

    @Test
    void pidns_init_that_does_not_reap() {
        Fixture f = Fixture.start("pidns-init");
        Set<Integer> ids;
        try (f) {
            ids = f.allIds();
            int init = f.pid("init");
            List<JsonNode> mine = held(f);
            // each zombie: zombie-init-not-reaping and unreaped-zombie, one story per zombie
            assertThat(Limbo.summary(mine)).as("findings").hasSize(4);
            explainAgrees(f.pid("orphan"), "zombie-init-not-reaping");
            for (int z : List.of(f.pid("child"), f.pid("orphan"))) {
                JsonNode x = Limbo.the(mine, "zombie-init-not-reaping", z);
                assertThat(x.path("severity").asText()).isEqualTo("WARNING");
                assertThat(x.toString()).contains(Integer.toString(init));
                assertThat(Limbo.the(mine, "unreaped-zombie", z).path("story").asText()).isEqualTo(x.path("story").asText());
            }
        }
        goneAfterRelease(f, ids);
    }

    @Test
    void traced_zombie_thread_waits_for_its_tracer() {
        Fixture f = Fixture.start("traced-zombie");
        Set<Integer> ids;
        try (f) {
            ids = f.allIds();
            int p = f.pid("process"), t = f.tid("zombie"), tracer = f.pid("tracer");
            List<JsonNode> mine = held(f);
            assertThat(Limbo.summary(mine)).as("findings").hasSize(1);
            JsonNode x = Limbo.the(mine, "traced-zombie", p);
            explainAgrees(p, "traced-zombie");
            assertThat(x.path("severity").asText()).isEqualTo("WARNING");
            assertThat(Limbo.tids(x)).containsExactly(t);
            assertThat(Limbo.evidence(x, "/task/" + t + "/status")).contains("TracerPid:\t" + tracer);
        }
        goneAfterRelease(f, ids);
    }

    @Test
    void weird_comms_give_no_finding_and_parse_right() {
        Fixture f = Fixture.start("weird-comm");
        try (f) {
            List<Integer> procs = f.pids("procs");
            List<String> comms = new ArrayList<>();
            f.json().path("comms").forEach(n -> comms.add(n.asText()));
            assertThat(Limbo.summary(held(f))).as("findings about sleeping processes with odd comms").isEmpty();
            for (int i = 0; i < procs.size(); i++) {
                int p = procs.get(i);
                Limbo e = Limbo.explain(p);
                assertThat(e.exitCode).as("explain %d", p).isEqualTo(0);
                JsonNode target = e.json.path("target");
                assertThat(target.path("comm").asText()).as("comm of %d", p).isEqualTo(comms.get(i));
                assertThat(target.path("threads").get(0).path("comm").asText()).isEqualTo(comms.get(i));
                assertThat(target.path("threads").get(0).path("state").asText()).as("state of %d", p).isEqualTo("S");
                assertThat(Limbo.summary(e.findingsAbout(Set.of(p)))).isEmpty();
            }
        }
        assertReleasedCleanly(f);
    }
}
