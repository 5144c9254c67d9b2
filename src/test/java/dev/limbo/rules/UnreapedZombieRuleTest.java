package dev.limbo.rules;

import static dev.limbo.rules.Cases.all;
import static dev.limbo.rules.Cases.diagnose;
import static dev.limbo.rules.Cases.evidenceLines;
import static dev.limbo.rules.Cases.one;
import static dev.limbo.rules.Cases.only;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnreapedZombieRuleTest {
    private static final String ID = UnreapedZombieRule.ID;

    /** Real capture: reaper-lazy sleeps in read() on a pipe while its child dead-kid is a zombie. */
    @Test
    void parentAsleepInReadNotWait() {
        List<Finding> findings = diagnose("unreaped");
        assertThat(findings).hasSize(1);
        Finding f = one(findings, ID);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.pid()).isEqualTo(19519);
        assertThat(f.tids()).isEmpty();
        assertThat(f.comm()).isEqualTo("dead-kid");
        assertThat(f.title()).contains("19519 (dead-kid)", "19518 (reaper-lazy)");
        assertThat(f.evidence()).anySatisfy(e -> {
            assertThat(e.path()).endsWith("/19519/status");
            assertThat(e.line()).isEqualTo("State:\tZ (zombie)");
        });
        assertThat(evidenceLines(f)).contains("PPid:\t19518", "State:\tS (sleeping)", "anon_pipe_read");
        assertThat(all(f)).contains("asleep", "anon_pipe_read", "not in wait4()/waitid()", "SIGCHLD at its default",
                "wait_task_zombie");
        assertThat(f.doesNotHelp()).anySatisfy(s -> assertThat(s).contains("kill -9 19519"));
        assertThat(f.remedies()).hasSize(3);
    }

    @Test
    void persistentAcrossSamples() {
        Finding f = one(diagnose("unreaped-persistent"), ID);
        assertThat(f.pid()).isEqualTo(19519);
    }

    @Test
    void silentWhenTheParentReapsInALaterSample() {
        assertThat(diagnose("unreaped-then-reaped")).isEmpty();
    }

    @Test
    void parentIgnoringSigchldIsSaid() {
        Finding f = one(diagnose("unreaped-sigchld-ignored"), ID);
        assertThat(all(f)).contains("ignores SIGCHLD", "ep_poll");
        assertThat(evidenceLines(f)).contains("SigIgn:\t0000000000010000");
    }

    @Test
    void zombieWithParenthesesInItsComm() {
        Finding f = one(diagnose("comm-paren"), ID);
        assertThat(f.pid()).isEqualTo(19530);
        assertThat(f.comm()).isEqualTo("z) (y");
        assertThat(f.title()).contains("19530 (z) (y)", "19520 (a) b)");
    }

    @Test
    void containerZombieWithOrdinaryParentIsUnreapedNotInit() {
        List<Finding> findings = diagnose("container-non-init-parent");
        Finding f = one(findings, ID);
        assertThat(f.pid()).isEqualTo(7010);
        assertThat(f.attribution().containerId()).startsWith("3f4e8c2a9b1d");
        assertThat(f.nsPids()).containsExactly(7010, 12);
        assertThat(only(findings, ZombieInitNotReapingRule.ID)).isEmpty();
    }

    @Test
    void silentOnZombiesTheirParentCannotReapYet() {
        // a zombie leader with threads left, or a traced zombie: wait() skips it, so its parent
        // has nothing to reap yet
        assertThat(only(diagnose("seed/proc"), ID)).isEmpty();
        assertThat(only(diagnose("pthread-exit"), ID)).isEmpty();
        assertThat(only(diagnose("traced-zombie"), ID)).isEmpty();
    }

    @Test
    void reportedBesideTheRulesThatSayMoreAsOneStory() {
        // SPEC "Findings are facts": a namespace init's or a crowded parent's zombie child is
        // still an unreaped zombie; the more specific finding leads its story
        List<Finding> init = diagnose("init-not-reaping");
        Finding child = one(init, ID);
        assertThat(child.pid()).isEqualTo(7010);
        assertThat(child.story()).isEqualTo(one(init, ZombieInitNotReapingRule.ID).story());
        assertThat(Stories.group(init).get(0).get(0).rule()).isEqualTo(ZombieInitNotReapingRule.ID);
        List<Finding> many = diagnose("accumulation");
        assertThat(only(many, ID)).hasSize(12);
        assertThat(Stories.group(many).get(0).get(0).rule()).isEqualTo(ZombieAccumulationRule.ID);
    }

    @Test
    void silentOnSleepersWithParenthesesInTheirComm() {
        assertThat(diagnose("comm-sleeping")).isEmpty();
        assertThat(diagnose("comm-paren")).extracting(Finding::pid).containsExactly(19530);
    }

    @Test
    void silentWithoutZombies() {
        assertThat(diagnose("kthreads-idle")).isEmpty();
        assertThat(diagnose("traced-sleeping")).isEmpty();
    }
}
