package dev.limbo.rules;

import static dev.limbo.rules.Cases.all;
import static dev.limbo.rules.Cases.diagnose;
import static dev.limbo.rules.Cases.one;
import static dev.limbo.rules.Cases.only;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZombieAccumulationRuleTest {
    private static final String ID = ZombieAccumulationRule.ID;

    @Test
    void twelveZombiesOfOneParentAreOneFinding() {
        List<Finding> findings = diagnose("accumulation");
        assertThat(findings).hasSize(1);
        Finding f = one(findings, ID);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.pid()).isEqualTo(9000);
        assertThat(f.title()).contains("9000 (forky)", "12");
        assertThat(all(f)).contains("12 zombie children (threshold 10)", "9001", "hrtimer_nanosleep", "pid_max");
        assertThat(f.evidence().stream().filter(e -> e.line().equals("State:\tZ (zombie)"))).hasSize(5);
    }

    @Test
    void thresholdIsConfigurable() {
        List<Finding> high = diagnose("accumulation", new RuleOptions(13, false));
        assertThat(only(high, ID)).isEmpty();
        assertThat(only(high, UnreapedZombieRule.ID)).hasSize(12);
        Finding low = one(diagnose("unreaped", new RuleOptions(1, false)), ID);
        assertThat(low.pid()).isEqualTo(19518);
        assertThat(all(low)).contains("(threshold 1)");
    }

    @Test
    void silentBelowTheThreshold() {
        assertThat(only(diagnose("unreaped"), ID)).isEmpty();
        assertThat(only(diagnose("init-not-reaping"), ID)).isEmpty();
        assertThat(only(diagnose("pthread-exit", new RuleOptions(1, false)), ID)).isEmpty();
    }
}
