package dev.limbo.live;

import static dev.limbo.fixtures.FixtureChecks.assertReleasedCleanly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.limbo.fixtures.Fixture;
import dev.limbo.fixtures.NativeFixtures;
import dev.limbo.fixtures.Subreaper;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Never hang, for real: a process whose mmap lock is held by a thread stuck in a FUSE page fault,
 * with a writer queued behind it. Reading its cmdline blocks, and so does {@code ps}; limbo's scan
 * must still finish in a few seconds and report {@code proc-read-blocked}.
 */
@Tag("live")
@Timeout(180)
class NeverHangLiveTest {
    /** What "a few seconds" means for a whole scan (3 samples) here. */
    static final Duration SCAN_BOUND = Duration.ofSeconds(10);

    @BeforeAll
    static void live() {
        NativeFixtures.assumeFuse();
        Subreaper.enable();
    }

    @Test
    void scan_finishes_and_reports_proc_read_blocked_while_ps_hangs() throws Exception {
        assumeTrue(NativeFixtures.onPath("ps"), "the ps contrast needs procps' ps");
        Fixture f = Fixture.start("mmap-lock-held");
        Set<Integer> ids;
        try (f) {
            ids = f.allIds();
            int v = f.pid("victim");
            long t0 = System.nanoTime();
            Process ps = new ProcessBuilder("ps", "-eLo", "pid,tid,stat,wchan:32,comm")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                Limbo s = Limbo.scan();
                assertThat(s.took).as("scan duration").isLessThan(SCAN_BOUND);
                List<JsonNode> mine = s.findingsAbout(f);
                JsonNode b = Limbo.the(mine, "proc-read-blocked", v);
                assertThat(b.path("severity").asText()).isEqualTo("WARNING");
                assertThat(b.path("evidence").findValuesAsText("path")).as("evidence paths")
                        .anyMatch(p -> p.endsWith("/cmdline"));
                Limbo.assertComplete(b);
                // nothing about the server or the fixture itself
                for (String k : List.of("server", "fixture")) {
                    int p = f.pid(k);
                    assertThat(s.findingsAbout(Set.of(p))).as("findings about the %s %d", k, p).isEmpty();
                }
                // the contrast: ps is still blocked (give it at least 5 s in all)
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                boolean psDone = ps.waitFor(Math.max(0, 5000 - waited), TimeUnit.MILLISECONDS);
                assertThat(psDone).as("ps -eLo ... should hang on the victim's cmdline (it exited %s)",
                        psDone ? ps.exitValue() : "-").isFalse();
            } finally {
                ps.destroyForcibly(); // SIGKILL: since 5.3 the cmdline reader waits killably
                ps.waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertReleasedCleanly(f);
        assertThat(Limbo.summary(Limbo.scan("--samples", "1").findingsAbout(ids))).isEmpty();
    }

    @Test
    void the_queued_writer_is_a_killable_wait_not_a_hung_task() {
        // clear_refs_write waits in mmap_write_lock_killable (TASK_KILLABLE): kill works and
        // khungtaskd ignores it, so it must not be reported as hung-task (SPEC: killable-wait).
        Fixture f = Fixture.start("mmap-lock-held");
        try (f) {
            int w = f.pid("writer");
            Limbo s = Limbo.scan();
            List<JsonNode> aboutWriter = s.findingsAbout(Set.of(w));
            assertThat(Limbo.summary(aboutWriter)).as("findings about the queued writer %d", w)
                    .noneMatch(x -> x.startsWith("hung-task "));
        }
        assertReleasedCleanly(f);
    }
}
