package dev.limbo.agent;

import dev.limbo.monitor.RuleFilter;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.sampling.ProcSource;
import dev.limbo.rules.RuleOptions;
import dev.limbo.rules.Severity;
import dev.limbo.rules.Texts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's state machine on saved trees, with a clock the test drives. */
class AgentTest {
    @TempDir
    Path tmp;

    static final class FakeClock implements Agent.Clock {
        long nanos = 1_000_000_000L;
        long epoch = 1_800_000_000_000L;

        void advanceSeconds(double s) {
            nanos += (long) (s * 1e9);
            epoch += (long) (s * 1000);
        }

        @Override
        public long nanos() {
            return nanos;
        }

        @Override
        public long epochMillis() {
            return epoch;
        }
    }

    final List<Agent.Event> events = new ArrayList<>();
    final FakeClock clock = new FakeClock();

    Agent agent(Path root, long hungAfterMs, long minAgeMs, RuleFilter rules) throws Exception {
        Agent.Config cfg = new Agent.Config(5000, hungAfterMs, minAgeMs, rules, RuleOptions.DEFAULTS, Texts.of("en"), 500);
        return new Agent(ProcSource.open(root.toString()), cfg, events::addAll, clock);
    }

    List<String> types() {
        return events.stream().map(e -> e.type() + " " + e.finding().rule()).toList();
    }

    @Test
    void findingsAppearGrowAndResolveWhenTheTaskGoes() throws Exception {
        Path root = tmp.resolve("proc");
        AgentTestSupport.copyTree(AgentTestSupport.seed(), root);
        Agent a = agent(root, -1, 0, RuleFilter.all());

        Agent.State s1 = a.round();
        assertThat(types()).containsExactly("appeared zombie-leader-stuck-thread", "appeared stuck-in-exit", "appeared traced-zombie");
        assertThat(s1.findings()).hasSize(3);
        assertThat(s1.trackedTasks()).isEqualTo(2);
        assertThat(events.get(0).finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(events.get(0).stuckSeconds()).isZero();

        clock.advanceSeconds(30);
        Agent.State s2 = a.round();
        assertThat(events).hasSize(3);
        assertThat(s2.findings().get(0).stuckSeconds()).isEqualTo(30.0);
        assertThat(s2.findings().get(0).sinceEpochMillis()).isEqualTo(clock.epoch - 30_000);

        // The process is reaped: its directory is gone.
        AgentTestSupport.deleteTree(root.resolve("22889"));
        clock.advanceSeconds(5);
        Agent.State s3 = a.round();
        assertThat(types()).endsWith("resolved zombie-leader-stuck-thread", "resolved stuck-in-exit", "resolved traced-zombie");
        Agent.Event resolved = events.get(3);
        assertThat(resolved.stuckSeconds()).isEqualTo(35.0);
        assertThat(resolved.reportedSeconds()).isEqualTo(35.0);
        assertThat(s3.findings()).isEmpty();
        assertThat(s3.trackedTasks()).as("no per-task state once the task is gone").isZero();
        assertThat(a.eventCounts()).containsEntry("appeared", 3L).containsEntry("resolved", 3L);

        JsonNode line = new ObjectMapper().readTree(EventLog.line(resolved));
        assertThat(line.get("event").asText()).isEqualTo("resolved");
        assertThat(line.get("rule").asText()).isEqualTo("zombie-leader-stuck-thread");
        assertThat(line.get("pid").asInt()).isEqualTo(22889);
        assertThat(line.get("tids").get(0).asInt()).isEqualTo(22976);
        assertThat(line.get("durationSeconds").asDouble()).isEqualTo(35.0);
        assertThat(line.get("time").asText()).isEqualTo(java.time.Instant.ofEpochMilli(clock.epoch).toString());
        assertThat(line.get("since").asText()).isEqualTo(java.time.Instant.ofEpochMilli(clock.epoch - 35_000).toString());
    }

    @Test
    void hungTaskOpensOnlyAfterHungAfterAndIsCritical() throws Exception {
        Agent a = agent(AgentTestSupport.resource("cases-agent/hung"), 60_000, 0, RuleFilter.all());
        assertThat(a.round().findings()).isEmpty();
        clock.advanceSeconds(59);
        assertThat(a.round().findings()).isEmpty();
        clock.advanceSeconds(2);
        Agent.State s = a.round();
        assertThat(s.findings()).hasSize(1);
        assertThat(s.findings().get(0).finding().rule()).isEqualTo("hung-task");
        assertThat(s.findings().get(0).finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(s.findings().get(0).stuckSeconds()).isEqualTo(61.0);
        assertThat(types()).containsExactly("appeared hung-task");
        assertThat(events.get(0).stuckSeconds()).isEqualTo(61.0);
    }

    @Test
    void hungAfterDefaultsToTheHostsHungTaskTimeout() throws Exception {
        Agent a = agent(AgentTestSupport.resource("cases-agent/hung"), -1, 0, RuleFilter.all());
        Agent.State s = a.round();
        assertThat(s.hungAfterSeconds()).isEqualTo(120.0);
        clock.advanceSeconds(119);
        assertThat(a.round().findings()).isEmpty();
        clock.advanceSeconds(1);
        assertThat(a.round().findings()).hasSize(1);
    }

    @Test
    void minAgeAndRulesFilterWhatOpens() throws Exception {
        Path root = tmp.resolve("proc");
        AgentTestSupport.copyTree(AgentTestSupport.seed(), root);
        Agent a = agent(root, -1, 600_000, RuleFilter.parse(List.of("-traced-zombie")));
        assertThat(a.round().findings()).isEmpty();
        clock.advanceSeconds(600);
        Agent.State s = a.round();
        // hung-task holds for the stuck thread too (SPEC "Findings are facts"), in the same story
        assertThat(s.findings()).extracting(o -> o.finding().rule()).containsExactly("zombie-leader-stuck-thread", "stuck-in-exit", "hung-task");
        assertThat(s.findings()).extracting(o -> o.finding().story()).containsOnly("22889/22976");
        assertThat(types()).containsExactly("appeared zombie-leader-stuck-thread", "appeared stuck-in-exit", "appeared hung-task");
    }

    @Test
    void aSeverityChangeIsAnEvent() throws Exception {
        // Two samples of the founding case in which the D thread's context switches changed:
        // it progressed, so the zombie-leader finding drops to WARNING.
        Path snap = AgentTestSupport.seedTwice(tmp.resolve("snap"), 5);
        Agent a = agent(snap, -1, 0, RuleFilter.parse(List.of("zombie-leader-stuck-thread")));
        a.round();
        assertThat(events).extracting(e -> e.finding().severity()).containsExactly(Severity.CRITICAL);
        Path status = snap.resolve("samples/1/22889/task/22976/status");
        Files.writeString(status, Files.readString(status).replace("voluntary_ctxt_switches:\t11", "voluntary_ctxt_switches:\t12"));
        clock.advanceSeconds(5);
        a.round();
        assertThat(types()).containsExactly("appeared zombie-leader-stuck-thread", "severity-changed zombie-leader-stuck-thread");
        assertThat(events.get(1).previous()).isEqualTo(Severity.CRITICAL);
        assertThat(events.get(1).finding().severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void viewsCarryAgesAndTheAgentBlock() throws Exception {
        Agent a = agent(AgentTestSupport.seed(), -1, 0, RuleFilter.all());
        a.round();
        clock.advanceSeconds(90);
        Agent.State s = a.round();
        JsonNode n = Views.json(s, 5000);
        assertThat(n.get("schema").asText()).isEqualTo("limbo/v1");
        assertThat(n.get("findings").get(0).get("stuckSeconds").asDouble()).isEqualTo(90.0);
        assertThat(n.get("findings").get(0).get("since").asText()).endsWith("Z");
        assertThat(n.get("agent").get("round").asInt()).isEqualTo(2);
        assertThat(n.get("summary").get("zombies").asInt()).isEqualTo(1);
        String text = Views.text(s, Texts.of("en"));
        assertThat(text).startsWith("limbo CRITICAL: 2 critical, 1 warning").contains("stuck for 90s (since ");
    }
}
