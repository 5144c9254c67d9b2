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

class ZombieLeaderStuckThreadRuleTest {
    private static final String ID = ZombieLeaderStuckThreadRule.ID;

    @Test
    void foundingCase() {
        List<Finding> findings = diagnose("seed/proc");
        Finding f = one(findings, ID);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.pid()).isEqualTo(22889);
        assertThat(f.tids()).containsExactly(22976);
        assertThat(f.comm()).isEqualTo("qemu-kvm");
        assertThat(f.evidence()).anySatisfy(e -> {
            assertThat(e.path()).endsWith("/22889/status");
            assertThat(e.line()).isEqualTo("State:\tZ (zombie)");
        });
        assertThat(evidenceLines(f)).contains("State:\tD (disk sleep)", "TracerPid:\t6076", "ShdPnd:\t0000000000004100",
                "SigPnd:\t0000000000040000", "[<0>] vhost_dev_cleanup+0x290/0x2c0 [vhost]", "[<0>] do_exit+0x3c0/0xa78");
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.VHOST_AIO);
        assertThat(f.waitsOn().exiting()).isTrue();
        assertThat(f.progress()).isEqualTo("unknown");
        assertThat(String.join("\n", f.causes())).contains("exit_notify", "autoreap", "thread_group_empty",
                "delay_group_leader", "exit_aio", "One sample only");
        assertThat(f.releasedWhen()).contains("release_task", "do_notify_parent", "wait_task_zombie", "6076");
        assertThat(String.join("\n", f.doesNotHelp())).contains("SIGKILL is already pending", "parent");
        assertThat(f.remedies()).isNotEmpty().allSatisfy(r -> assertThat(r.risk()).isNotBlank());
        // hung-task holds for the stuck thread too (SPEC "Findings are facts"), in the same story,
        // which the founding-case finding leads
        Finding hung = one(findings, HungTaskRule.ID);
        assertThat(hung.tids()).containsExactly(22976);
        assertThat(hung.story()).isEqualTo(f.story()).isEqualTo("22889/22976");
        assertThat(findings).filteredOn(x -> x.tids().contains(22976)).extracting(Finding::story).containsOnly(f.story());
        assertThat(Stories.group(findings).get(0).get(0)).isSameAs(f);
        assertThat(only(findings, UnreapedZombieRule.ID)).isEmpty();
    }

    @Test
    void fuseReadWithheldSingleSample() {
        List<Finding> findings = diagnose("leader-stuck-fuse");
        Finding f = one(findings, ID);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.pid()).isEqualTo(5000);
        assertThat(f.tids()).containsExactly(5001);
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.FUSE);
        assertThat(f.waitsOn().exiting()).isFalse();
        assertThat(evidenceLines(f)).contains("State:\tZ (zombie)", "[<0>] request_wait_answer+0x141/0x280");
        assertThat(all(f)).contains("SIGKILL is pending");
        // the thread is not traced: no tracer step
        assertThat(all(f)).doesNotContain("TracerPid");
        // hung-task holds too (WARNING: one sample, progress could not be judged), in the same
        // story. SIGKILL is pending for the group only (ShdPnd), not in the thread's own SigPnd,
        // and request_wait_answer may be either phase: nothing decides killability
        Finding hung = one(findings, HungTaskRule.ID);
        assertThat(hung.severity()).isEqualTo(Severity.WARNING);
        assertThat(hung.story()).isEqualTo(f.story());
        assertThat(evidenceLines(hung)).contains("SigPnd:\t0000000000000000");
        assertThat(hung.waitsOn().killable()).isNull();
        assertThat(all(hung)).contains("/proc cannot tell them apart").doesNotContain("ignores every signal");
        // and the founding-case finding does not claim that another kill -9 is useless
        assertThat(f.doesNotHelp()).noneSatisfy(d -> assertThat(d).contains("kill -9"));
        assertThat(only(findings, StuckInExitRule.ID)).isEmpty();
        assertThat(only(findings, TracedZombieRule.ID)).isEmpty();
        assertThat(only(findings, ZombieLeaderLiveThreadsRule.ID)).isEmpty();
    }

    @Test
    void stuckAcrossSamplesIsCritical() {
        Finding f = one(diagnose("leader-stuck-fuse-stuck"), ID);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.progress()).isEqualTo("stuck");
        assertThat(all(f)).contains("did not change across 3 samples");
    }

    @Test
    void progressingThreadLowersSeverity() {
        Finding f = one(diagnose("leader-stuck-fuse-progressing"), ID);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.progress()).isEqualTo("progressing");
    }

    @Test
    void silentOnBenignPthreadExitLeader() {
        List<Finding> findings = diagnose("pthread-exit");
        assertThat(only(findings, ID)).isEmpty();
    }

    @Test
    void silentOnPlainZombiesAndSleepers() {
        assertThat(only(diagnose("unreaped"), ID)).isEmpty();
        assertThat(only(diagnose("comm-paren"), ID)).isEmpty();
        assertThat(only(diagnose("traced-zombie-thread"), ID)).isEmpty();
    }
}
