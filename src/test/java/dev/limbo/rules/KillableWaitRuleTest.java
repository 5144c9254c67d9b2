package dev.limbo.rules;

import static dev.limbo.rules.Cases.all;
import static dev.limbo.rules.Cases.diagnose;
import static dev.limbo.rules.Cases.one;
import static dev.limbo.rules.Cases.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.model.WaitKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class KillableWaitRuleTest {
    private static final String ID = KillableWaitRule.ID;

    @Test
    void vforkParentWithWaitForVforkDoneFrame() {
        List<Finding> findings = diagnose("vfork-5.15");
        assertThat(findings).hasSize(1);
        Finding f = one(findings, ID);
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.tids()).containsExactly(19524);
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.VFORK);
        assertThat(f.waitsOn().killable()).isTrue();
        assertThat(all(f)).contains("vfork", "wait_for_vfork_done", "khungtaskd skips");
        assertThat(f.releasedWhen()).contains("execve");
    }

    /** Regression: see HungTaskRuleTest#bugRealVforkParentOnKernel618IsNotAHungTask. */
    @Test
    void bugRealVforkParentOnKernel618IsAKillableWait() {
        Finding f = one(diagnose("vfork"), ID);
        assertThat(f.pid()).isEqualTo(19524);
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.VFORK);
    }

    @Test
    void killableNfsWait() {
        List<Finding> findings = diagnose("nfs-killable");
        Finding f = one(findings, ID);
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.NFS);
        assertThat(f.waitsOn().function()).isEqualTo("rpc_wait_bit_killable");
        assertThat(f.remedies()).anySatisfy(r -> assertThat(r.action()).contains("kill -9 6600"));
        assertThat(only(findings, HungTaskRule.ID)).isEmpty();
    }

    @Test
    void silentOnUninterruptibleWaits() {
        assertThat(only(diagnose("mutex-stuck"), ID)).isEmpty();
        assertThat(only(diagnose("hung-stuck"), ID)).isEmpty();
        assertThat(only(diagnose("kernel-3.10-nfs-stuck"), ID)).isEmpty();
    }

    @Test
    void silentOnExitingTasks() {
        assertThat(only(diagnose("exit-stuck"), ID)).isEmpty();
        assertThat(only(diagnose("seed/proc"), ID)).isEmpty();
    }
}
