package dev.limbo.monitor;

import dev.limbo.agent.AgentServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Monitoring plugin range syntax, threshold specs, rule filters, --listen. */
class ThresholdsTest {
    @ParameterizedTest(name = "{0} alerts on {1}: {2}")
    @CsvSource({
        "10, 10, false", "10, 11, true", "10, -1, true", "10, 0, false",
        "10:, 9, true", "10:, 10, false", "10:, 1000, false",
        "~:10, -100, false", "~:10, 11, true",
        "10:20, 9, true", "10:20, 15, false", "10:20, 21, true",
        "@10:20, 15, true", "@10:20, 9, false", "@10:20, 20, true",
        "0, 0, false", "0, 1, true", "@0:0, 0, true", "1.5, 2, true"
    })
    void rangeSemantics(String range, double value, boolean alerts) {
        assertThat(NagiosRange.parse(range).alerts(value)).isEqualTo(alerts);
    }

    @Test
    void badRanges() {
        assertThatThrownBy(() -> NagiosRange.parse("20:10")).hasMessageContaining("start is greater than end");
        assertThatThrownBy(() -> NagiosRange.parse("x")).hasMessageContaining("[@]start:end");
        assertThatThrownBy(() -> NagiosRange.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> NagiosRange.parse("1d")).hasMessageContaining("[@]start:end");
    }

    @Test
    void thresholdSpecs() {
        Thresholds t = Thresholds.parse(List.of("zombies=5,dstate=1", "findings=@1:3"), "-w");
        assertThat(t.text("zombies")).isEqualTo("5");
        assertThat(t.text("dstate")).isEqualTo("1");
        assertThat(t.text("findings")).isEqualTo("@1:3");
        assertThat(t.alerts("zombies", 6)).isTrue();
        assertThat(t.alerts("dstate", 1)).isFalse();
        assertThat(t.alerts("findings", 2)).isTrue();
        assertThat(Thresholds.parse(List.of("zombies=1", "zombies=9"), "-w").text("zombies")).as("last wins").isEqualTo("9");
        assertThatThrownBy(() -> Thresholds.parse(List.of("threads=5"), "-c")).hasMessage("-c: unknown metric 'threads' (use zombies, dstate, findings)");
        assertThatThrownBy(() -> Thresholds.parse(List.of("5"), "-w")).hasMessageStartingWith("-w '5' names no metric");
    }

    @Test
    void ruleFilters() {
        RuleFilter only = RuleFilter.parse(List.of("hung-task,stuck-in-exit"));
        assertThat(only.allows("hung-task")).isTrue();
        assertThat(only.allows("unreaped-zombie")).isFalse();
        RuleFilter but = RuleFilter.parse(List.of("-zombie-leader-live-threads", "!killable-wait"));
        assertThat(but.allows("hung-task")).isTrue();
        assertThat(but.allows("zombie-leader-live-threads")).isFalse();
        assertThat(but.allows("killable-wait")).isFalse();
        assertThat(but.toString()).isEqualTo("-zombie-leader-live-threads,-killable-wait");
        // issue 12: a rule both included and excluded is a mistake, not "exclude wins" silently
        assertThatThrownBy(() -> RuleFilter.parse(List.of("hung-task,-hung-task")))
                .hasMessage("--rules: 'hung-task' is both included and excluded");
        assertThatThrownBy(() -> RuleFilter.parse(List.of("zombie"))).hasMessageStartingWith("--rules: unknown rule 'zombie'");
    }

    @Test
    void listenAddresses() {
        assertThat(AgentServer.parseListen("127.0.0.1:9977")).isEqualTo(new InetSocketAddress("127.0.0.1", 9977));
        assertThat(AgentServer.parseListen("9977")).isEqualTo(new InetSocketAddress("127.0.0.1", 9977));
        assertThat(AgentServer.parseListen(":9977").getAddress().isAnyLocalAddress()).isTrue();
        assertThat(AgentServer.parseListen("[::1]:9977").getAddress().isLoopbackAddress()).isTrue();
        assertThat(AgentServer.parseListen("off")).isNull();
        assertThatThrownBy(() -> AgentServer.parseListen("localhost:http")).hasMessageContaining("port must be a number");
        assertThatThrownBy(() -> AgentServer.parseListen("::1:9977")).hasMessageContaining("[ADDRESS]:PORT");
    }

    @Test
    void schedFileParsing() {
        String sched = "cat (20579, #threads: 1)\n-------------------\nse.exec_start                                :        940581.620496\n"
                + "se.vruntime                                  :          6206.459491\n";
        assertThat(StuckAges.execStartMs(sched)).isEqualTo(940581.620496);
        assertThat(StuckAges.execStartMs("nothing")).isEqualTo(-1);
        assertThat(StuckAges.execStartMs(null)).isEqualTo(-1);
    }
}
