package dev.limbo.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusParserTest {

    @Test
    void sleepingTaskCapturedHere() {
        TaskStatus s = StatusParser.parse(Fixtures.real("sleeping", "status"));
        assertThat(s.name()).isEqualTo("reaper-lazy");
        assertThat(s.state()).isEqualTo(TaskState.SLEEPING);
        assertThat(s.tgid()).isEqualTo(19518);
        assertThat(s.pid()).isEqualTo(19518);
        assertThat(s.ppid()).isEqualTo(18836);
        assertThat(s.tracerPid()).isEqualTo(0);
        assertThat(s.threads()).isEqualTo(1);
        assertThat(s.nsTgid()).containsExactly(19518);
        assertThat(s.nsPid()).containsExactly(19518);
        assertThat(s.nsLevels()).isEqualTo(1);
        assertThat(s.sigPnd().isEmpty()).isTrue();
        assertThat(s.voluntaryCtxtSwitches()).isEqualTo(1);
        assertThat(s.nonvoluntaryCtxtSwitches()).isEqualTo(0);
        assertThat(s.contextSwitches()).isEqualTo(1);
        assertThat(s.fdSize()).isEqualTo(256);
        assertThat(s.hasVm()).isTrue();
        assertThat(s.hasUmask()).isTrue();
        assertThat(s.coreDumping()).isEqualTo(0);
        assertThat(s.line("State")).isEqualTo("State:\tS (sleeping)");
        assertThat(s.line("Groups")).isEqualTo("Groups:\t ");
    }

    @Test
    void zombieHasNoVmNoUmaskAndNoFds() {
        TaskStatus s = StatusParser.parse(Fixtures.real("zombie", "status"));
        assertThat(s.state()).isEqualTo(TaskState.ZOMBIE);
        assertThat(s.hasVm()).isFalse();
        assertThat(s.hasUmask()).isFalse();
        assertThat(s.fdSize()).isEqualTo(0);
        assertThat(s.line("State")).isEqualTo("State:\tZ (zombie)");
    }

    @Test
    void kernelThreadAndIdleState() {
        TaskStatus s = StatusParser.parse(Fixtures.real("kthread-kworker-idle", "status"));
        assertThat(s.state()).isEqualTo(TaskState.IDLE);
        assertThat(s.ppid()).isEqualTo(2);
    }

    @Test
    void commWithParenthesisInName() {
        assertThat(StatusParser.parse(Fixtures.real("comm-paren", "status")).name()).isEqualTo("a) b");
        assertThat(StatusParser.parse(Fixtures.real("comm-nested", "status")).name()).isEqualTo("x (y) z)");
    }

    @Test
    void foundingCaseThreadAarch64Kernel419() {
        TaskStatus s = StatusParser.parse(Fixtures.text("cases/seed/proc/22889/task/22976/status"));
        assertThat(s.name()).isEqualTo("safe_timer");
        assertThat(s.state()).isEqualTo(TaskState.DISK_SLEEP);
        assertThat(s.tgid()).isEqualTo(22889);
        assertThat(s.pid()).isEqualTo(22976);
        assertThat(s.tracerPid()).isEqualTo(6076);
        assertThat(s.threads()).isEqualTo(2);
        assertThat(s.sigPnd().names()).containsExactly("SIGSTOP");
        assertThat(s.shdPnd().names()).containsExactly("SIGKILL", "SIGTERM");
        assertThat(s.sigIgn().names()).containsExactly("SIGPIPE");
        assertThat(s.contextSwitches()).isEqualTo(14);
        assertThat(s.fdSize()).isEqualTo(0);
        assertThat(s.hasVm()).isFalse();
        assertThat(s.line("ShdPnd")).isEqualTo("ShdPnd:\t0000000000004100");
    }

    @Test
    void foundingCaseLeaderElidedTail() {
        TaskStatus s = StatusParser.parse(Fixtures.text("cases/seed/proc/22889/status"));
        assertThat(s.state()).isEqualTo(TaskState.ZOMBIE);
        assertThat(s.ppid()).isEqualTo(1);
        assertThat(s.threads()).isEqualTo(-1);
        assertThat(s.sigPnd()).isNull();
        assertThat(s.contextSwitches()).isEqualTo(-1);
    }

    @Test
    void kernel310WithoutNgidNamespacesOrUmask() {
        TaskStatus s = StatusParser.parse(Fixtures.handmade("status-3.10"));
        assertThat(s.name()).isEqualTo("nfsd");
        assertThat(s.state()).isEqualTo(TaskState.DISK_SLEEP);
        assertThat(s.tgid()).isEqualTo(2143);
        assertThat(s.nsTgid()).isNull();
        assertThat(s.nsPid()).isNull();
        assertThat(s.nsLevels()).isEqualTo(1);
        assertThat(s.hasUmask()).isFalse();
        assertThat(s.hasVm()).isTrue();
        assertThat(s.coreDumping()).isEqualTo(-1);
        assertThat(s.shdPnd().contains(SignalSet.SIGKILL)).isTrue();
        assertThat(s.contextSwitches()).isEqualTo(7711 + 93);
    }

    @Test
    void mips128BitMasks() {
        TaskStatus s = StatusParser.parse(Fixtures.handmade("status-mips"));
        assertThat(s.shdPnd().contains(SignalSet.SIGKILL)).isTrue();
        assertThat(s.sigBlk().contains(128)).isTrue();
        assertThat(s.sigBlk().signals()).containsExactly(128);
        assertThat(s.sigIgn().signals()).containsExactly(13);
    }

    @Test
    void nestedPidNamespace() {
        TaskStatus s = StatusParser.parse("Name:\tsh\nState:\tS (sleeping)\nTgid:\t4242\nPid:\t4242\nPPid:\t4200\n"
                + "NStgid:\t4242\t7\t1\nNSpid:\t4242\t7\t1\n");
        assertThat(s.nsTgid()).containsExactly(4242, 7, 1);
        assertThat(s.nsLevels()).isEqualTo(3);
    }

    @Test
    void crlfAndOddSpacing() {
        TaskStatus s = StatusParser.parse("Name:  x\r\nState:\tR (running)\r\nPid:\t7\r\n");
        assertThat(s.name()).isEqualTo("x");
        assertThat(s.state()).isEqualTo(TaskState.RUNNING);
        assertThat(s.pid()).isEqualTo(7);
    }

    @Test
    void garbage() {
        assertThat(StatusParser.parse(null)).isNull();
        assertThat(StatusParser.parse("")).isNull();
        assertThat(StatusParser.parse("no colon here\n")).isNull();
        TaskStatus bad = StatusParser.parse("State:\t\nPid:\tabc\nNStgid:\t1 x\nSigPnd:\tzz\n");
        assertThat(bad.state()).isNull();
        assertThat(bad.pid()).isEqualTo(-1);
        assertThat(bad.nsTgid()).isNull();
        assertThat(bad.sigPnd()).isNull();
        assertThat(List.of(bad.threads(), bad.tracerPid())).containsOnly(-1);
    }
}
