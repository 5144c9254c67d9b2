package dev.limbo.live;

import static dev.limbo.fixtures.FixtureChecks.assertReleasedCleanly;
import static org.assertj.core.api.Assertions.assertThat;
import static dev.limbo.testing.Prerequisites.require;

import com.fasterxml.jackson.databind.JsonNode;
import dev.limbo.fixtures.Fixture;
import dev.limbo.fixtures.NativeFixtures;
import dev.limbo.fixtures.Subreaper;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
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
// in a separate thread: an interrupt does not free a thread blocked on a FUSE mount or a held mmap lock
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NeverHangLiveTest {
    /** What "a few seconds" means for a whole scan (3 samples) here. */
    static final Duration SCAN_BOUND = Duration.ofSeconds(10);
    /** The timeout is what these tests are about: limbo's default, said explicitly. */
    static final String[] DEFAULT_TIMEOUT = {"--read-timeout", "500ms"};

    @BeforeAll
    static void live() {
        NativeFixtures.assumeFuse();
        Subreaper.enable();
    }

    @AfterAll
    static void reapStrays() {
        Subreaper.reapStrays(java.time.Duration.ofMillis(500));
    }

    @Test
    void scan_finishes_and_reports_proc_read_blocked_while_ps_hangs() throws Exception {
        require(NativeFixtures.onPath("ps"), "the ps contrast needs procps' ps");
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
                Limbo s = Limbo.scan(DEFAULT_TIMEOUT);
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
                // explain of the victim is bounded too, and says the same
                Limbo e = Limbo.explain(v, DEFAULT_TIMEOUT);
                assertThat(e.took).as("explain duration").isLessThan(SCAN_BOUND);
                Limbo.the(e.findingsAbout(Set.of(v)), "proc-read-blocked", v);
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
    void a_blocked_cmdline_reader_is_a_killable_wait_not_a_hung_task() throws Exception {
        // readers of cmdline wait in __access_remote_vm -> mmap_read_lock_killable (5.3+): this is
        // what every ps and monitoring agent on the host is doing; kill works on them.
        Fixture f = Fixture.start("mmap-lock-held");
        try (f) {
            int v = f.pid("victim");
            Process cat = new ProcessBuilder("cat", "/proc/" + v + "/cmdline")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                int c = (int) cat.pid();
                assertThat(dev.limbo.fixtures.Proc.await(Duration.ofSeconds(5),
                        () -> dev.limbo.fixtures.Proc.stateChar(c, c) == 'D')).as("cat blocks in D").isTrue();
                Limbo s = Limbo.scan(DEFAULT_TIMEOUT);
                List<String> aboutCat = Limbo.summary(s.findingsAbout(Set.of(c)));
                // the premise: SIGKILL ends the reader's wait while the lock is still held
                cat.destroyForcibly();
                assertThat(cat.waitFor(2, TimeUnit.SECONDS)).as("SIGKILL ends the blocked reader (TASK_KILLABLE)").isTrue();
                assertThat(aboutCat).as("findings about the blocked reader %d", c).noneMatch(x -> x.startsWith("hung-task "));
            } finally {
                cat.destroyForcibly();
                cat.waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertReleasedCleanly(f);
    }

    @Test
    void the_queued_writer_is_a_killable_wait_not_a_hung_task() {
        // clear_refs_write waits in mmap_write_lock_killable (TASK_KILLABLE): kill works and
        // khungtaskd ignores it, so it must not be reported as hung-task (SPEC: killable-wait).
        Fixture f = Fixture.start("mmap-lock-held");
        try (f) {
            int w = f.pid("writer");
            Limbo s = Limbo.scan(DEFAULT_TIMEOUT);
            List<JsonNode> aboutWriter = s.findingsAbout(Set.of(w));
            // the premise, shown for real: SIGKILL ends the writer's wait while the lock is still held
            ProcessHandle.of(w).ifPresent(ProcessHandle::destroyForcibly);
            boolean died = dev.limbo.fixtures.Proc.await(java.time.Duration.ofSeconds(2),
                    () -> dev.limbo.fixtures.Proc.stateChar(w, w) != 'D');
            assertThat(died).as("SIGKILL ends the queued writer's wait (TASK_KILLABLE)").isTrue();
            assertThat(Limbo.summary(aboutWriter)).as("findings about the queued writer %d", w)
                    .noneMatch(x -> x.startsWith("hung-task "));
        }
        assertReleasedCleanly(f);
    }
}
