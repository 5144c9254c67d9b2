package dev.limbo.agent;

import dev.limbo.monitor.RuleFilter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.fixtures.Fixture;
import dev.limbo.fixtures.NativeFixtures;
import dev.limbo.sampling.ProcSource;
import dev.limbo.rules.RuleOptions;
import dev.limbo.rules.Severity;
import dev.limbo.rules.Texts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** check and the agent against the native fixtures (root, FUSE): a hung D task and a held mmap lock. */
@Tag("live")
// holds FUSE mounts and D tasks: a timeout in a separate thread, which an uninterruptible wait cannot block
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AgentFixturesLiveTest {
    final List<Agent.Event> events = Collections.synchronizedList(new ArrayList<>());

    Agent agent(long hungAfterMs) {
        Agent.Config cfg = new Agent.Config(300, hungAfterMs, 0, RuleFilter.all(), new RuleOptions(10, true), Texts.of("en"), 500);
        return new Agent(ProcSource.live(), cfg, events::addAll, Agent.Clock.SYSTEM);
    }

    List<String> about(int pid, String rule) {
        synchronized (events) {
            return events.stream().filter(e -> e.finding().pid() == pid && e.finding().rule().equals(rule))
                    .map(e -> e.type() + " " + e.finding().severity()).toList();
        }
    }

    static Agent.OpenFinding open(Agent.State s, int pid, String rule) {
        return s.findings().stream().filter(o -> o.finding().pid() == pid && o.finding().rule().equals(rule)).findFirst().orElse(null);
    }

    @Test
    void hungDTaskIsCriticalInCheckAndOpensInTheAgentAfterHungAfter() throws Exception {
        NativeFixtures.assumeFuse();
        Agent a = agent(2000);
        int victim;
        try (Fixture f = Fixture.start("hung-d")) {
            victim = f.pid("victim");
            // by default check waits for hung_task_timeout_secs (120 s) before a hung-task counts
            AgentTestSupport.Run young = AgentTestSupport.limbo("check", "-v", "--rules", "hung-task");
            assertThat(young.code()).as(young.out()).isZero();
            AgentTestSupport.Run check = AgentTestSupport.limbo("check", "-v", "--rules", "hung-task", "--hung-after", "0");
            assertThat(check.code()).isEqualTo(2);
            assertThat(check.out()).contains("hung-task pid " + victim + " ");

            long t0 = System.nanoTime();
            Agent.OpenFinding hung = null;
            while (hung == null && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
                hung = open(a.round(), victim, "hung-task");
                Thread.sleep(300);
            }
            assertThat(hung).as("hung-task never opened").isNotNull();
            assertThat(hung.finding().severity()).isEqualTo(Severity.CRITICAL);
            assertThat(hung.stuckSeconds()).isGreaterThanOrEqualTo(2.0);
            Thread.sleep(1000);
            assertThat(open(a.round(), victim, "hung-task").stuckSeconds()).isGreaterThanOrEqualTo(hung.stuckSeconds() + 1.0);
        }
        // Released and reaped by the fixture: the finding resolves.
        Agent.State after = a.round();
        assertThat(open(after, victim, "hung-task")).isNull();
        assertThat(about(victim, "hung-task")).containsExactly("appeared CRITICAL", "resolved CRITICAL");
    }

    @Test
    void blockedReadsAreCountedAndDoNotPileUpReaderThreads() throws Exception {
        NativeFixtures.assumeFuse();
        Agent a = agent(-1);
        int victim;
        try (Fixture f = Fixture.start("mmap-lock-held")) {
            victim = f.pid("victim");
            long t0 = System.nanoTime();
            AgentTestSupport.Run check = AgentTestSupport.limbo("check", "-v", "-t", "8s");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(8);
            assertThat(check.code()).isBetween(1, 2);
            assertThat(check.out()).contains("proc-read-blocked pid " + victim + " ");

            int before = AgentMetrics.readerThreads();
            Agent.State s = null;
            for (int i = 0; i < 12; i++) {
                s = a.round();
                Thread.sleep(200);
            }
            int after = AgentMetrics.readerThreads();
            System.out.println("[AgentFixturesLiveTest] 12 rounds over a held mmap lock: read timeouts " + a.readTimeouts()
                    + ", reader threads " + before + " -> " + after + ", quarantined " + a.quarantined());
            assertThat(a.failedRounds()).isZero();
            assertThat(a.readTimeouts()).as("the blocked read is not repeated every round").isBetween(1L, 3L);
            assertThat(after - before).as("stuck reader threads stay bounded").isLessThanOrEqualTo(4);
            assertThat(a.quarantined()).isEqualTo(1);
            Agent.OpenFinding blocked = open(s, victim, "proc-read-blocked");
            assertThat(blocked).as("the finding stays open while the process is quarantined").isNotNull();
            assertThat(blocked.stuckSeconds()).isGreaterThan(1.0);
        }
        // Released: the probe's read returns, the process is sampled again, the finding resolves.
        long t0 = System.nanoTime();
        while (a.quarantined() > 0 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10)) {
            a.round();
            Thread.sleep(200);
        }
        assertThat(a.quarantined()).isZero();
        Agent.State s = a.round();
        assertThat(open(s, victim, "proc-read-blocked")).isNull();
        assertThat(about(victim, "proc-read-blocked")).containsExactly("appeared WARNING", "resolved WARNING");
    }
}
