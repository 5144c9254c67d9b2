package dev.limbo.rules;

import static dev.limbo.rules.Cases.all;
import static dev.limbo.rules.Cases.diagnose;
import static dev.limbo.rules.Cases.evidenceLines;
import static dev.limbo.rules.Cases.one;
import static dev.limbo.rules.Cases.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.model.WaitKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class StuckInExitRuleTest {
    private static final String ID = StuckInExitRule.ID;

    @Test
    void foundingCaseThreadInVhostRelease() {
        Finding f = one(diagnose("seed/proc"), ID);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.pid()).isEqualTo(22889);
        assertThat(f.tids()).containsExactly(22976);
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.VHOST_AIO);
        assertThat(evidenceLines(f)).contains("[<0>] do_exit+0x3c0/0xa78", "FDSize:\t0");
        assertThat(all(f)).contains("exit_mm(), exit_files()", "exit_aio", "exit_notify", "22889");
    }

    @Test
    void fuseFlushInsideOwnExitStuckAcrossSamples() {
        List<Finding> findings = diagnose("exit-stuck");
        // hung-task holds for the same thread (exiting tasks count): one story, this one leading
        assertThat(findings).extracting(Finding::rule).containsExactlyInAnyOrder(ID, HungTaskRule.ID);
        Finding f = one(findings, ID);
        assertThat(findings).extracting(Finding::story).containsOnly(f.story());
        assertThat(Stories.group(findings).get(0).get(0)).isSameAs(f);
        assertThat(f.pid()).isEqualTo(6500);
        assertThat(f.progress()).isEqualTo("stuck");
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.FUSE);
        assertThat(f.waitsOn().killable()).isFalse();
        assertThat(f.waitsOn().basis()).isEqualTo("stack");
        assertThat(evidenceLines(f)).contains("[<0>] fuse_flush+0x1a4/0x200", "ShdPnd:\t0000000000000100");
        assertThat(f.remedies()).anySatisfy(r -> assertThat(r.action()).contains("abort"));
    }

    @Test
    void withoutAStackItIsJudgedFromWchanAndPfExiting() {
        Finding f = one(diagnose("exit-stuck-no-stack"), ID);
        assertThat(f.waitsOn().basis()).isEqualTo("wchan");
        assertThat(f.waitsOn().exiting()).isTrue();
        assertThat(all(f)).contains("Judged from wchan only");
    }

    @Test
    void silentWhenTheExitProgresses() {
        assertThat(diagnose("exit-progressing")).isEmpty();
    }

    @Test
    void silentOnDTasksThatAreNotExiting() {
        assertThat(only(diagnose("hung-stuck"), ID)).isEmpty();
        assertThat(only(diagnose("leader-stuck-fuse"), ID)).isEmpty();
        assertThat(only(diagnose("nfs-killable"), ID)).isEmpty();
        assertThat(only(diagnose("kthreads-stuck"), ID)).isEmpty();
    }

    @Test
    void silentOnZombies() {
        assertThat(only(diagnose("unreaped"), ID)).isEmpty();
        assertThat(only(diagnose("pthread-exit"), ID)).isEmpty();
    }
}
