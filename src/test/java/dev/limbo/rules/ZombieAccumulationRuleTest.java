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
    void twelveZombiesOfOneParentAreOneStoryWithEachChildsOwnFinding() {
        List<Finding> findings = diagnose("accumulation");
        // every rule holds on its own (SPEC "Findings are facts"): each child is unreaped, and the
        // parent holds many; one story, led by zombie-accumulation
        assertThat(findings).hasSize(13);
        List<Finding> children = Cases.only(findings, UnreapedZombieRule.ID);
        assertThat(children).extracting(Finding::pid).containsExactlyInAnyOrder(
                9001, 9002, 9003, 9004, 9005, 9006, 9007, 9008, 9009, 9010, 9011, 9012);
        Finding f = one(findings, ID);
        assertThat(findings).extracting(Finding::story).containsOnly(f.story());
        assertThat(f.story()).isEqualTo("9000");
        assertThat(Stories.group(findings)).hasSize(1);
        assertThat(Stories.group(findings).get(0).get(0)).isSameAs(f);
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
