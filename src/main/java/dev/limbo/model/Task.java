package dev.limbo.model;

import dev.limbo.procfs.Read;
import dev.limbo.procfs.TaskStat;
import dev.limbo.procfs.TaskState;
import dev.limbo.procfs.TaskStatus;

/**
 * One thread as seen in one sample. Every task has what its {@code stat} said (or, in a saved
 * tree without stat files, its {@code status}); suspects and their relatives also have
 * {@link TaskDetail}.
 */
public record Task(int tid, int tgid, TaskStat stat, Read statRead, TaskDetail detail) {

    public TaskState state() {
        if (stat != null) {
            return stat.state();
        }
        TaskStatus s = status();
        return s == null || s.state() == null ? TaskState.UNKNOWN : s.state();
    }

    public TaskStatus status() {
        return detail == null ? null : detail.status();
    }

    public boolean isLeader() {
        return tid == tgid;
    }

    public String comm() {
        if (detail != null && detail.comm() != null) {
            return detail.comm();
        }
        if (stat != null) {
            return stat.comm();
        }
        TaskStatus s = status();
        return s == null ? null : s.name();
    }

    /** The real parent's pid, from stat or status, or -1. */
    public int ppid() {
        if (stat != null && stat.ppid() >= 0) {
            return stat.ppid();
        }
        TaskStatus s = status();
        return s == null ? -1 : s.ppid();
    }

    public int tracerPid() {
        TaskStatus s = status();
        return s == null ? 0 : Math.max(0, s.tracerPid());
    }

    public boolean isKernelThread() {
        return stat != null && stat.isKernelThread();
    }

    public Task withDetail(TaskDetail d) {
        return new Task(tid, tgid, stat, statRead, d);
    }

    /** The files read for this task, in a fixed order (stat, status, stack, wchan, syscall). */
    public java.util.List<RawFile> rawFiles() {
        java.util.List<RawFile> out = new java.util.ArrayList<>();
        if (detail == null) {
            if (statRead != null && statRead.ok()) {
                out.add(RawFile.of(statRead));
            }
            return out;
        }
        for (Read r : new Read[] {statRead, detail.statusRead(), detail.stackRead(), detail.wchanRead(),
                detail.syscallRead()}) {
            if (r != null) {
                out.add(RawFile.of(r));
            }
        }
        return out;
    }
}
