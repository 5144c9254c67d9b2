package dev.limbo.rules;

import static dev.limbo.rules.Cases.diagnose;
import static dev.limbo.rules.Cases.evidenceLines;
import static dev.limbo.rules.Cases.only;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZombieLeaderLiveThreadsRuleTest {
    private static final String ID = ZombieLeaderLiveThreadsRule.ID;

    /** Real capture: the main thread called pthread_exit(), thread "worker" sleeps in read(). */
    @Test
    void benignPthreadExitIsInfoAndNothingElse() {
        List<Finding> findings = diagnose("pthread-exit");
        assertThat(findings).hasSize(1);
        Finding f = findings.get(0);
        assertThat(f.rule()).isEqualTo(ID);
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.pid()).isEqualTo(19523);
        assertThat(f.tids()).containsExactly(19525);
        assertThat(evidenceLines(f)).contains("State:\tZ (zombie)", "State:\tS (sleeping)");
        assertThat(String.join("\n", f.causes())).contains("pthread_exit", "delay_group_leader");
        assertThat(f.releasedWhen()).contains("release_task");
    }

    @Test
    void silentWhenASiblingIsStuck() {
        assertThat(only(diagnose("seed/proc"), ID)).isEmpty();
        assertThat(only(diagnose("leader-stuck-fuse"), ID)).isEmpty();
    }

    @Test
    void silentWhenTheSiblingIsATracedZombie() {
        assertThat(only(diagnose("traced-zombie-thread"), ID)).isEmpty();
    }

    @Test
    void silentOnSingleThreadedZombie() {
        assertThat(only(diagnose("unreaped"), ID)).isEmpty();
    }
}
