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
import org.junit.jupiter.api.Test;

/** The agent on this host's /proc with a real zombie made by the test (no root needed). */
class AgentLiveTest {
    final List<Agent.Event> events = Collections.synchronizedList(new ArrayList<>());

    Agent liveAgent() {
        Agent.Config cfg = new Agent.Config(300, -1, 0, RuleFilter.all(), new RuleOptions(10, true), Texts.of("en"), 500);
        return new Agent(ProcSource.live(), cfg, events::addAll, Agent.Clock.SYSTEM);
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
        Agent a = liveAgent();
        try (AgentTestSupport.Zombie z = new AgentTestSupport.Zombie()) {
            Agent.State s1 = a.round();
            assertThat(open(s1, z.pid)).as("seen once: not yet confirmed").isNull();

            Thread.sleep(300);
            Agent.State s2 = a.round();
            Agent.OpenFinding f2 = open(s2, z.pid);
            assertThat(f2).as("confirmed by a second sample").isNotNull();
            assertThat(f2.finding().comm()).isEqualTo("sleep");
            assertThat(about(z.pid)).extracting(Agent.Event::type).containsExactly("appeared");
            assertThat(about(z.pid).get(0).stuckSeconds()).as("seeded from the scheduler clock").isGreaterThan(0.2).isLessThan(60);

            Thread.sleep(1200);
            Agent.OpenFinding f3 = open(a.round(), z.pid);
            assertThat(f3.stuckSeconds()).isGreaterThanOrEqualTo(f2.stuckSeconds() + 1.0);
            assertThat(f3.sinceEpochMillis()).isCloseTo(f2.sinceEpochMillis(), org.assertj.core.data.Offset.offset(50L));

            z.release();
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

    /** The scheduler-clock age of a zombie matches the time since it exited, on every CPU. */
    @Test
    void aZombiesAgeFromTheSchedulerClockIsAccurate() throws Exception {
        ProcSource live = ProcSource.live();
        for (int i = 0; i < 3; i++) {
            try (AgentTestSupport.Zombie z = new AgentTestSupport.Zombie()) {
                long made = System.nanoTime();
                Thread.sleep(1500);
                dev.limbo.model.Sample s = new dev.limbo.sampling.Sampler(live.liveRoot(), new dev.limbo.procfs.ReadPool(2, 500))
                        .sample(0, java.util.Set.of(z.pid), java.util.Set.of());
                StuckAges ages = StuckAges.now(live);
                double real = (System.nanoTime() - made) / 1e9;
                double est = ages.sinceLastRan(s.task(z.pid));
                System.out.printf("[AgentLiveTest] zombie age: estimate %.3fs, at least %.3fs%n", est, real);
                // It exited before the constructor returned, at most ~0.3 s before `made`.
                assertThat(est).isBetween(real - 0.1, real + 0.5);
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
