package dev.limbo.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatParserTest {

    @Test
    void runningTaskCapturedHere() {
        TaskStat s = StatParser.parse(Fixtures.real("running", "stat"));
        assertThat(s.pid()).isEqualTo(19517);
        assertThat(s.comm()).isEqualTo("fx");
        assertThat(s.state()).isEqualTo(TaskState.RUNNING);
        assertThat(s.ppid()).isEqualTo(18836);
        assertThat(s.pgrp()).isEqualTo(18182);
        assertThat(s.session()).isEqualTo(3757);
        assertThat(s.utime()).isEqualTo(24);
        assertThat(s.numThreads()).isEqualTo(1);
        assertThat(s.startTimeTicks()).isEqualTo(91893);
        assertThat(s.exitSignal()).isEqualTo(17);
        assertThat(s.isKernelThread()).isFalse();
        assertThat(s.isExiting()).isFalse();
    }

    @Test
    void sleepingTask() {
        TaskStat s = StatParser.parse(Fixtures.real("sleeping", "stat"));
        assertThat(s.comm()).isEqualTo("reaper-lazy");
        assertThat(s.state()).isEqualTo(TaskState.SLEEPING);
    }

    @Test
    void zombieHasExitingAndSignaledFlags() {
        TaskStat s = StatParser.parse(Fixtures.real("zombie", "stat"));
        assertThat(s.state()).isEqualTo(TaskState.ZOMBIE);
        assertThat(s.ppid()).isEqualTo(19518);
        assertThat(s.isExiting()).isTrue();
        assertThat(s.exitSignal()).isEqualTo(17);
    }

    @Test
    void vforkParentIsInD() {
        TaskStat s = StatParser.parse(Fixtures.real("vfork-parent", "stat"));
        assertThat(s.state()).isEqualTo(TaskState.DISK_SLEEP);
        assertThat(s.state().isUninterruptible()).isTrue();
    }

    @Test
    void pthreadExitLeaderIsZombieWithTwoThreads() {
        TaskStat leader = StatParser.parse(Fixtures.real("pthread-exit", "stat"));
        assertThat(leader.state()).isEqualTo(TaskState.ZOMBIE);
        assertThat(leader.numThreads()).isEqualTo(2);
        TaskStat worker = StatParser.parse(Fixtures.real("pthread-exit", "task/19525/stat"));
        assertThat(worker.pid()).isEqualTo(19525);
        assertThat(worker.comm()).isEqualTo("worker");
        assertThat(worker.state()).isEqualTo(TaskState.SLEEPING);
        assertThat(worker.exitSignal()).isEqualTo(-1);
    }

    @Test
    void kernelThreads() {
        TaskStat kthreadd = StatParser.parse(Fixtures.real("kthread-kthreadd", "stat"));
        assertThat(kthreadd.pid()).isEqualTo(2);
        assertThat(kthreadd.comm()).isEqualTo("kthreadd");
        assertThat(kthreadd.ppid()).isEqualTo(0);
        assertThat(kthreadd.isKernelThread()).isTrue();
        TaskStat kworker = StatParser.parse(Fixtures.real("kthread-kworker-idle", "stat"));
        assertThat(kworker.comm()).isEqualTo("kworker/R-rcu_gp");
        assertThat(kworker.state()).isEqualTo(TaskState.IDLE);
        assertThat(kworker.isKernelThread()).isTrue();
    }

    @Test
    void commWithParenthesisAndSpace() {
        TaskStat s = StatParser.parse(Fixtures.real("comm-paren", "stat"));
        assertThat(s.comm()).isEqualTo("a) b");
        assertThat(s.state()).isEqualTo(TaskState.SLEEPING);
        assertThat(s.ppid()).isEqualTo(18836);
    }

    @Test
    void commWithNestedParentheses() {
        TaskStat s = StatParser.parse(Fixtures.real("comm-nested", "stat"));
        assertThat(s.comm()).isEqualTo("x (y) z)");
        assertThat(s.state()).isEqualTo(TaskState.SLEEPING);
        assertThat(s.ppid()).isEqualTo(18836);
        assertThat(StatParser.parse(Fixtures.real("comm-space", "stat")).comm()).isEqualTo("sp ace");
    }

    @Test
    void oldKernelLinesWithFewerFields() {
        TaskStat old = StatParser.parse(Fixtures.handmade("stat-2.6-short"));
        assertThat(old.comm()).isEqualTo("nfsd");
        assertThat(old.state()).isEqualTo(TaskState.DISK_SLEEP);
        assertThat(old.blkioTicks()).isEqualTo(7);
        TaskStat v310 = StatParser.parse(Fixtures.handmade("stat-3.10"));
        assertThat(v310.startTimeTicks()).isEqualTo(2319);
        assertThat(v310.exitSignal()).isEqualTo(17);
    }

    @Test
    void fieldsBeyondTheLineAreMinusOne() {
        TaskStat s = StatParser.parse("42 (x) S 1 42 42");
        assertThat(s).isNotNull();
        assertThat(s.ppid()).isEqualTo(1);
        assertThat(s.flags()).isEqualTo(-1);
        assertThat(s.startTimeTicks()).isEqualTo(-1);
        assertThat(s.isExiting()).isFalse();
    }

    /**
     * Regression (was a bug in src/main, fixed on main) (TaskStat.isKernelThread): a stat line cut before field 9 leaves flags = -1,
     * and -1 & PF_KTHREAD != 0, so a truncated stat makes any task a "kernel thread".
     * Fix: {@code return flags >= 0 && (flags & PF_KTHREAD) != 0;} (as isExiting already does).
     */
    @Test
    void bugTruncatedStatIsNotAKernelThread() {
        TaskStat s = StatParser.parse("42 (x) D 1 42 42");
        assertThat(s.isKernelThread()).as("absent flags (-1) must not read as PF_KTHREAD").isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''", "garbage", "42", "42 (x)", "42 (x) ", "(x) S 1", "x (y) S 1", "-1 (x) S 1", "42 x) S 1",
        "42 (x) SS 1"})
    void garbageIsNull(String line) {
        assertThat(StatParser.parse(line)).isNull();
    }

    @Test
    void nullIsNull() {
        assertThat(StatParser.parse(null)).isNull();
    }

    @Test
    void unknownStateLetter() {
        assertThat(StatParser.parse("42 (x) Q 1 42 42").state()).isEqualTo(TaskState.UNKNOWN);
    }
}
