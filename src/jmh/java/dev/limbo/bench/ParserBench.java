package dev.limbo.bench;

import dev.limbo.procfs.KernelStack;
import dev.limbo.procfs.SignalSet;
import dev.limbo.procfs.StackParser;
import dev.limbo.procfs.StatParser;
import dev.limbo.procfs.StatusParser;
import dev.limbo.procfs.TaskStat;
import dev.limbo.procfs.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The procfs parsers on saved real lines: a task's stat (the per-task hot path of every scan),
 * a status (deep read, suspects only), kernel stacks (x86_64 of this machine, aarch64 of the
 * founding case) and a signal mask.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ParserBench {
    /** /proc/PID/stat of a short-lived process on this machine (kernel 6.18, x86_64). */
    static final String STAT = """
29379 (cat) R 29377 29377 4413 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 173009 3133440 362 18446744073709551615 93851201044480 93851201064361 140734984472736 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 93851201080368 93851201081984 93851356803072 140734984481506 140734984481526 140734984481526 140734984482795 0
""";

    /** The same with a comm holding spaces and parentheses: the comm ends at the LAST ')'. */
    static final String STAT_TRICKY_COMM = """
29379 (a) (b) )) R 29377 29377 4413 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 173009 3133440 362 18446744073709551615 93851201044480 93851201064361 140734984472736 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 93851201080368 93851201081984 93851356803072 140734984481506 140734984481526 140734984481526 140734984482795 0
""";

    static final byte[] STAT_BYTES = STAT.getBytes(StandardCharsets.UTF_8);

    /** /proc/PID/status of a process on this machine (kernel 6.18). */
    static final String STATUS = """
Name:\tpython3
Umask:\t0022
State:\tR (running)
Tgid:\t29771
Ngid:\t0
Pid:\t29771
PPid:\t29767
TracerPid:\t0
Uid:\t0\t0\t0\t0
Gid:\t0\t0\t0\t0
FDSize:\t256
Groups:\t\s
NStgid:\t29771
NSpid:\t29771
NSpgid:\t29767
NSsid:\t4413
Kthread:\t0
VmPeak:\t   16804 kB
VmSize:\t   16804 kB
VmLck:\t       0 kB
VmPin:\t       0 kB
VmHWM:\t   14136 kB
VmRSS:\t   14136 kB
RssAnon:\t    7356 kB
RssFile:\t    6780 kB
RssShmem:\t       0 kB
VmData:\t    8104 kB
VmStk:\t     132 kB
VmExe:\t       4 kB
VmLib:\t    4700 kB
VmPTE:\t      68 kB
VmSwap:\t       0 kB
HugetlbPages:\t       0 kB
CoreDumping:\t0
THP_enabled:\t1
untag_mask:\t0xffffffffffffffff
Threads:\t1
SigQ:\t1/96364
SigPnd:\t0000000000000000
ShdPnd:\t0000000000000000
SigBlk:\t0000000000000000
SigIgn:\t0000000001001000
SigCgt:\t0000000000000002
CapInh:\t0000000000000000
CapPrm:\t000001fffeffffff
CapEff:\t000001fffeffffff
CapBnd:\t000001fffeffffff
CapAmb:\t0000000000000000
NoNewPrivs:\t0
Seccomp:\t0
Seccomp_filters:\t0
Speculation_Store_Bypass:\tthread vulnerable
SpeculationIndirectBranch:\tconditional enabled
Cpus_allowed:\t3
Cpus_allowed_list:\t0-1
Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000001
Mems_allowed_list:\t0
voluntary_ctxt_switches:\t15
nonvoluntary_ctxt_switches:\t55
""";

    /** /proc/PID/stack of a sleeping task on this machine. */
    static final String STACK_X86 = """
[<0>] do_sigtimedwait.isra.0+0x156/0x1f0
[<0>] __x64_sys_rt_sigtimedwait+0xc5/0x130
[<0>] do_syscall_64+0x71/0x290
[<0>] entry_SYSCALL_64_after_hwframe+0x76/0x7e
""";

    /** The founding case's stuck thread (aarch64, kernel ~4.19). */
    static final String STACK_AARCH64 = """
[<0>] __switch_to+0x6c/0x90
[<0>] exit_aio+0x104/0x120
[<0>] mmput+0x54/0x168
[<0>] vhost_dev_cleanup+0x290/0x2c0 [vhost]
[<0>] vhost_net_release+0x5c/0xd0 [vhost_net]
[<0>] __fput+0x9c/0x1d8
[<0>] ____fput+0x20/0x30
[<0>] task_work_run+0xb0/0xe0
[<0>] do_exit+0x3c0/0xa78
[<0>] do_group_exit+0x3c/0xd0
[<0>] get_signal+0x160/0x810
[<0>] do_notify_resume+0x15c/0x2f8
[<0>] work_pending+0x8/0x10
[<0>] 0xffffffffffffffff
""";

    @Benchmark
    public TaskStat stat() {
        return StatParser.parse(STAT);
    }

    @Benchmark
    public TaskStat statTrickyComm() {
        return StatParser.parse(STAT_TRICKY_COMM);
    }

    /** What the scan pays per task after the read: decode the bytes, then parse. */
    @Benchmark
    public TaskStat statFromBytes() {
        return StatParser.parse(new String(STAT_BYTES, 0, STAT_BYTES.length, StandardCharsets.UTF_8));
    }

    @Benchmark
    public TaskStatus status() {
        return StatusParser.parse(STATUS);
    }

    @Benchmark
    public KernelStack stackX86() {
        return StackParser.parse(STACK_X86);
    }

    @Benchmark
    public KernelStack stackAarch64() {
        return StackParser.parse(STACK_AARCH64);
    }

    @Benchmark
    public SignalSet signalMask() {
        return SignalSet.parse("0000000000300006");
    }
}
