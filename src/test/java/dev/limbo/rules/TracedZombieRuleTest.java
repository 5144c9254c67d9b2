package dev.limbo.rules;

import static dev.limbo.rules.Cases.all;
import static dev.limbo.rules.Cases.diagnose;
import static dev.limbo.rules.Cases.evidenceLines;
import static dev.limbo.rules.Cases.one;
import static dev.limbo.rules.Cases.only;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TracedZombieRuleTest {
    private static final String ID = TracedZombieRule.ID;

    @Test
    void zombieWaitsForAStoppedTracer() {
        List<Finding> findings = diagnose("traced-zombie");
        assertThat(findings).hasSize(1);
        Finding f = one(findings, ID);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.pid()).isEqualTo(8010);
        assertThat(f.tids()).containsExactly(8010);
        assertThat(evidenceLines(f)).contains("State:\tZ (zombie)", "TracerPid:\t8020", "State:\tT (stopped)");
        assertThat(all(f)).contains("8020 (gdb)", "T (stopped)", "exit_notify");
        assertThat(f.remedies()).anySatisfy(r -> assertThat(r.action()).contains("8020"));
    }

    @Test
    void zombieThreadHoldingAZombieLeader() {
        List<Finding> findings = diagnose("traced-zombie-thread");
        Finding f = one(findings, ID);
        assertThat(f.pid()).isEqualTo(8100);
        assertThat(f.tids()).containsExactly(8101);
        assertThat(all(f)).contains("thread_group_empty", "8100");
        assertThat(findings).hasSize(1);
    }

    @Test
    void foundingCaseTracerOfTheStuckThread() {
        Finding f = one(diagnose("seed/proc"), ID);
        assertThat(f.pid()).isEqualTo(22889);
        assertThat(f.tids()).containsExactly(22976);
        assertThat(evidenceLines(f)).contains("TracerPid:\t6076");
        assertThat(all(f)).contains("not visible");
    }

    @Test
    void silentWhenTheTracerIsTheParent() {
        List<Finding> findings = diagnose("traced-by-parent");
        assertThat(only(findings, ID)).isEmpty();
        assertThat(only(findings, UnreapedZombieRule.ID)).hasSize(1);
    }

    @Test
    void silentOnATracedSleeper() {
        assertThat(diagnose("traced-sleeping")).isEmpty();
    }

    @Test
    void silentWithoutTracers() {
        assertThat(only(diagnose("leader-stuck-fuse"), ID)).isEmpty();
        assertThat(only(diagnose("unreaped"), ID)).isEmpty();
    }
}
