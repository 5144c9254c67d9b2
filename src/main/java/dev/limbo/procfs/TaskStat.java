package dev.limbo.procfs;

/**
 * One /proc/PID/stat or /proc/PID/task/TID/stat line. Fields past the ones a given kernel prints
 * are -1. Times are in clock ticks (USER_HZ).
 */
public record TaskStat(
        int pid,
        String comm,
        TaskState state,
        int ppid,
        int pgrp,
        int session,
        long flags,
        long utime,
        long stime,
        int numThreads,
        long startTimeTicks,
        int exitSignal,
        long blkioTicks) {

    /** PF_EXITING: the task has started do_exit(). */
    public static final long PF_EXITING = 0x4;
    /** PF_SIGNALED: killed by a signal. */
    public static final long PF_SIGNALED = 0x400;
    /** PF_DUMPCORE: dumped core. */
    public static final long PF_DUMPCORE = 0x200;
    /** PF_KTHREAD: a kernel thread. */
    public static final long PF_KTHREAD = 0x00200000;

    /** What a scan keeps of a healthy task: its state only (the other fields are absent). */
    public static TaskStat stateOnly(int pid, TaskState state) {
        return new TaskStat(pid, null, state, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    }

    public boolean isKernelThread() {
        return flags >= 0 && (flags & PF_KTHREAD) != 0;
    }

    public boolean isExiting() {
        return flags >= 0 && (flags & PF_EXITING) != 0;
    }
}
