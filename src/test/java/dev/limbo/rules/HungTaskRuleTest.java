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

class HungTaskRuleTest {
    private static final String ID = HungTaskRule.ID;

    @Test
    void blockIoStuckAcrossThreeSamples() {
        List<Finding> findings = diagnose("hung-stuck");
        assertThat(findings).hasSize(1);
        Finding f = one(findings, ID);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.pid()).isEqualTo(6000);
        assertThat(f.tids()).containsExactly(6000);
        assertThat(f.progress()).isEqualTo("stuck");
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.BLOCK_IO);
        assertThat(f.evidence()).anySatisfy(e -> {
            assertThat(e.path()).contains("/samples/2/").endsWith("/6000/task/6000/stack");
            assertThat(e.line()).isEqualTo("[<0>] folio_wait_bit_common+0x13d/0x350");
        });
        assertThat(evidenceLines(f)).contains("State:\tD (disk sleep)", "voluntary_ctxt_switches:\t300");
        assertThat(all(f)).contains("did not change across 3 samples over 1.0 s", "khungtaskd", "120 s here");
    }

    @Test
    void seenInOneSampleOnlyIsAWarningThatSaysSo() {
        Finding f = one(diagnose("io-single-sample"), ID);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.progress()).isEqualTo("unknown");
        assertThat(all(f)).contains("One sample only", "ordinary I/O");
    }

    @Test
    void silentOnProgressingIo() {
        assertThat(diagnose("hung-progressing")).isEmpty();
    }

    @Test
    void silentOnIoSeenOnceThenDone() {
        assertThat(diagnose("io-seen-once")).isEmpty();
    }

    @Test
    void uninterruptibleMutexInADriver() {
        Finding f = one(diagnose("mutex-stuck"), ID);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.DRIVER_MODULE);
        assertThat(f.waitsOn().module()).isEqualTo("mydrv");
        assertThat(f.waitsOn().killable()).isNull();
    }

    @Test
    void kernel310NfsWithOldStackFormat() {
        Finding f = one(diagnose("kernel-3.10-nfs-stuck"), ID);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.pid()).isEqualTo(2143);
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.NFS);
        assertThat(evidenceLines(f)).contains("[<ffffffffa0318d84>] rpc_wait_bit_uninterruptible+0x24/0xb0 [sunrpc]")
                .doesNotContain("[<ffffffffffffffff>] 0xffffffffffffffff");
    }

    @Test
    void stuckKernelThreadsAreReported() {
        List<Finding> findings = only(diagnose("kthreads-stuck"), ID);
        assertThat(findings).extracting(Finding::pid).containsExactly(140, 301);
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(all(f)).contains("kernel thread");
        });
        assertThat(findings.get(1).waitsOn().kind()).isEqualTo(WaitKind.JOURNAL);
    }

    @Test
    void silentOnBusyKernelThreadsInDAndIdleOnesInI() {
        assertThat(diagnose("kthreads-busy")).isEmpty();
        assertThat(diagnose("kthreads-idle")).isEmpty();
    }

    @Test
    void silentOnKillableWaits() {
        assertThat(only(diagnose("vfork-5.15"), ID)).isEmpty();
        assertThat(only(diagnose("nfs-killable"), ID)).isEmpty();
    }

    /**
     * Regression (was a bug in src/main, fixed on main) (WaitClassifier.kindOf): on 6.x kernels wait_for_vfork_done() is inlined into
     * kernel_clone(), so a real vfork parent (captured here on 6.18) shows the stack
     * kernel_clone / __do_sys_vfork and wchan kernel_clone, no wait_for_vfork_done frame. It was then
     * classified UNKNOWN and reported as a CRITICAL hung task, a false alarm on every host running
     * make, posix_spawn or a shell's vfork. Fixed on main: kernel_clone counts as the vfork wait only when it is the innermost frame.
     */
    @Test
    void bugRealVforkParentOnKernel618IsNotAHungTask() {
        assertThat(only(diagnose("vfork"), ID)).isEmpty();
    }

    @Test
    void silentOnTasksOtherRulesExplain() {
        assertThat(only(diagnose("seed/proc"), ID)).isEmpty();
        assertThat(only(diagnose("leader-stuck-fuse-stuck"), ID)).isEmpty();
        assertThat(only(diagnose("exit-stuck"), ID)).isEmpty();
    }
}
