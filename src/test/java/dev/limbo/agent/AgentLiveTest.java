package dev.limbo.agent;

import dev.limbo.monitor.StuckAges;
import dev.limbo.monitor.RuleFilter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.sampling.ProcSource;
import dev.limbo.rules.RuleOptions;
import dev.limbo.rules.Texts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The agent on this host's /proc with a real zombie made by the test (no root needed). Live: it
 * depends on the host's scheduler clock and process table. Where it compares times it uses a clock
 * the test moves, so the assertions are exact rather than "close enough on an idle machine".
 */
@Tag("live")
class AgentLiveTest {
    final List<Agent.Event> events = Collections.synchronizedList(new ArrayList<>());

    Agent liveAgent() {
        return liveAgent(Agent.Clock.SYSTEM);
    }

    Agent liveAgent(Agent.Clock clock) {
        // 5 s read timeout: the timeout is not what these tests are about, and a loaded 2-core
        // machine can take longer than the default 500 ms to answer a /proc read.
        Agent.Config cfg = new Agent.Config(300, -1, 0, RuleFilter.all(), new RuleOptions(10, true), Texts.of("en"), 5000);
        return new Agent(ProcSource.live(), cfg, events::addAll, clock);
    }

    /**
     * A clock that stands still except when the test advances it; wall time is derived from the
     * same counter, so "since" (wall minus monotonic age) is exact, not subject to the time a round takes.
     */
    static final class SteppedClock implements Agent.Clock {
        private static final long EPOCH_BASE = 1_800_000_000_000L;
        private long nanos = 1_000_000_000_000L;

        void advance(long millis) {
            nanos += millis * 1_000_000L;
        }

        @Override
        public synchronized long nanos() {
            return nanos;
        }

        @Override
        public synchronized long epochMillis() {
            return EPOCH_BASE + nanos / 1_000_000L;
        }
    }

    List<Agent.Event> about(int pid) {
        synchronized (events) {
            return events.stream().filter(e -> e.finding().pid() == pid && e.finding().rule().equals("unreaped-zombie")).toList();
        }
    }

    static Agent.OpenFinding open(Agent.State s, int pid) {
        return s.findings().stream().filter(o -> o.finding().pid() == pid && o.finding().rule().equals("unreaped-zombie"))
                .findFirst().orElse(null);
    }

    @Test
    void aZombieAppearsItsDurationGrowsAndItResolvesWhenReaped() throws Exception {
        SteppedClock clock = new SteppedClock();
        Agent a = liveAgent(clock);
        try (AgentTestSupport.Zombie z = new AgentTestSupport.Zombie()) {
            Agent.State s1 = a.round();
            assertThat(open(s1, z.pid)).as("seen once: not yet confirmed").isNull();

            Thread.sleep(300);
            clock.advance(300);
            Agent.State s2 = a.round();
            Agent.OpenFinding f2 = open(s2, z.pid);
            assertThat(f2).as("confirmed by a second sample").isNotNull();
            assertThat(f2.finding().comm()).isEqualTo("sleep");
            assertThat(about(z.pid)).extracting(Agent.Event::type).containsExactly("appeared");
            assertThat(about(z.pid).get(0).stuckSeconds()).as("seeded from the scheduler clock").isGreaterThan(0.2).isLessThan(60);

            Thread.sleep(1200);
            clock.advance(1200);
            Agent.OpenFinding f3 = open(a.round(), z.pid);
            assertThat(f3.stuckSeconds()).isCloseTo(f2.stuckSeconds() + 1.2, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(f3.sinceEpochMillis()).as("since when stuck: fixed once seen").isEqualTo(f2.sinceEpochMillis());

            z.release();
            clock.advance(10);
            Agent.State s4 = a.round();
            assertThat(open(s4, z.pid)).isNull();
            List<Agent.Event> evs = about(z.pid);
            assertThat(evs).extracting(Agent.Event::type).containsExactly("appeared", "resolved");
            assertThat(evs.get(1).stuckSeconds()).as("durationSeconds").isGreaterThanOrEqualTo(1.5);
            assertThat(EventLog.line(evs.get(1))).contains("\"event\":\"resolved\"").contains("\"pid\":" + z.pid)
                    .contains("\"durationSeconds\":");
        }
    }

    /** Between full passes only the Z/D processes are re-read: tracked ones go on, new ones wait. */
    @Test
    void restrictedRoundsFollowKnownStuckTasksOnly() throws Exception {
        Agent.Config cfg = new Agent.Config(300, -1, 0, RuleFilter.all(), new RuleOptions(10, true), Texts.of("en"), 500, 3_600_000);
        Agent a = new Agent(ProcSource.live(), cfg, events::addAll, Agent.Clock.SYSTEM);
        try (AgentTestSupport.Zombie first = new AgentTestSupport.Zombie()) {
            Agent.State full = a.round();
            int processes = full.processes();
            Agent.State s2 = a.round();
            assertThat(open(s2, first.pid)).isNotNull();
            assertThat(s2.processes()).as("counts come from the last full pass").isEqualTo(processes);
            try (AgentTestSupport.Zombie second = new AgentTestSupport.Zombie()) {
                a.round();
                Agent.State s3 = a.round();
                assertThat(open(s3, second.pid)).as("not seen until the next full pass").isNull();
                assertThat(open(s3, first.pid)).isNotNull();
            }
            first.release();
            Agent.State s4 = a.round();
            assertThat(open(s4, first.pid)).isNull();
            assertThat(about(first.pid)).extracting(Agent.Event::type).containsExactly("appeared", "resolved");
        }
    }

    /**
     * The scheduler-clock age of a zombie matches the time since it exited, on every CPU. The
     * bounds come from what the test knows, not from how fast the machine is: the child exited
     * after {@code before} (it did not exist yet) and before {@code made} (it was a zombie then).
     */
    @Test
    void aZombiesAgeFromTheSchedulerClockIsAccurate() throws Exception {
        ProcSource live = ProcSource.live();
        for (int i = 0; i < 3; i++) {
            long before = System.nanoTime();
            try (AgentTestSupport.Zombie z = new AgentTestSupport.Zombie()) {
                long made = System.nanoTime();
                Thread.sleep(1500);
                dev.limbo.model.Sample s = new dev.limbo.sampling.Sampler(live.liveRoot(), new dev.limbo.procfs.ReadPool(2, 5000))
                        .sample(0, java.util.Set.of(z.pid), java.util.Set.of());
                long askedFrom = System.nanoTime();
                StuckAges ages = StuckAges.now(live);
                double est = ages.sinceLastRan(s.task(z.pid));
                long askedTo = System.nanoTime();
                double atLeast = (askedFrom - made) / 1e9, atMost = (askedTo - before) / 1e9;
                System.out.printf("[AgentLiveTest] zombie age: estimate %.3fs, between %.3fs and %.3fs%n", est, atLeast, atMost);
                // SchedClock's documented error: the CPU's interrupt/steal time while the task was
                // off-CPU (an underestimate, a few percent) plus a few milliseconds of calibration.
                assertThat(est).isBetween(atLeast * 0.95 - 0.02, atMost + 0.02);
            }
        }
    }

    @Test
    void keepsWorkingWhileTasksComeAndGo() throws Exception {
        Agent a = liveAgent();
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn = new Thread(() -> {
            while (!stop.get()) {
                try {
                    List<Process> ps = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        ps.add(new ProcessBuilder("sh", "-c", "sleep 0.0$((RANDOM % 9)) 2>/dev/null; exit 0").start());
                    }
                    for (Process p : ps) {
                        p.waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (Exception e) {
                    return;
                }
            }
        }, "churn");
        churn.start();
        try {
            for (int i = 0; i < 15; i++) {
                Agent.State s = a.round();
                assertThat(s.processes()).isPositive();
                Thread.sleep(50);
            }
        } finally {
            stop.set(true);
            churn.join(20_000);
        }
        assertThat(a.scans()).isEqualTo(15);
        assertThat(a.failedRounds()).isZero();
    }
}
