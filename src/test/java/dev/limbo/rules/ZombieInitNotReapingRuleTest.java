package dev.limbo.rules;

import static dev.limbo.rules.Cases.all;
import static dev.limbo.rules.Cases.diagnose;
import static dev.limbo.rules.Cases.evidenceLines;
import static dev.limbo.rules.Cases.one;
import static dev.limbo.rules.Cases.only;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZombieInitNotReapingRuleTest {
    private static final String ID = ZombieInitNotReapingRule.ID;

    @Test
    void containerWithoutAnInit() {
        List<Finding> findings = diagnose("init-not-reaping");
        // and unreaped-zombie for the same child, in the same story (SPEC "Findings are facts")
        assertThat(findings).extracting(Finding::rule).containsExactlyInAnyOrder(ID, UnreapedZombieRule.ID);
        Finding f = one(findings, ID);
        assertThat(findings).extracting(Finding::story).containsOnly(f.story());
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.pid()).isEqualTo(7010);
        assertThat(f.title()).contains("7010 (sh)", "7000 (node)", "docker 3f4e8c2a9b1d");
        assertThat(f.attribution().runtime()).isEqualTo("docker");
        assertThat(f.attribution().containerId()).hasSize(64);
        assertThat(f.nsPids()).containsExactly(7010, 12);
        assertThat(evidenceLines(f)).contains("State:\tZ (zombie)", "NStgid:\t7010\t12", "NStgid:\t7000\t1");
        assertThat(all(f)).contains("PID 1 of its pid namespace", "(node)", "has not reaped it", "child_reaper")
                .doesNotContain("is an application or script, not an init");
        assertThat(f.remedies()).anySatisfy(r -> assertThat(r.action()).contains("--init", "tini", "catatonit"));
    }

    @Test
    void silentWhenTheParentIsNotTheNamespaceInit() {
        assertThat(only(diagnose("container-non-init-parent"), ID)).isEmpty();
    }

    @Test
    void silentOnHostZombiesAndOtherCases() {
        assertThat(only(diagnose("unreaped"), ID)).isEmpty();
        assertThat(only(diagnose("seed/proc"), ID)).isEmpty();
        assertThat(only(diagnose("pthread-exit"), ID)).isEmpty();
    }
}
