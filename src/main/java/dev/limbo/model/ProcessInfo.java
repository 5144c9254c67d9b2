package dev.limbo.model;

import dev.limbo.procfs.CgroupLine;
import dev.limbo.procfs.FdLink;
import dev.limbo.procfs.MountInfo;
import dev.limbo.procfs.Read;
import java.util.List;

/**
 * A thread group. {@code leader} may be null when its directory could not be read. The
 * process-level reads ({@code cgroup}, fds, mountinfo, cmdline) exist only for suspects.
 */
public record ProcessInfo(
        int tgid,
        Task leader,
        List<Task> threads,
        List<CgroupLine> cgroup,
        Read cgroupRead,
        List<FdLink> fds,
        List<MountInfo> mounts,
        Read cmdline) {

    public Task thread(int tid) {
        for (Task t : threads) {
            if (t.tid() == tid) {
                return t;
            }
        }
        return null;
    }

    /** Threads other than the leader. */
    public List<Task> siblings() {
        return threads.stream().filter(t -> t.tid() != tgid).toList();
    }

    public String comm() {
        if (leader != null && leader.comm() != null) {
            return leader.comm();
        }
        return threads.isEmpty() ? null : threads.get(0).comm();
    }

    /** The command line with NULs as spaces, or null when unread, empty (zombies) or blocked. */
    /** True when reading {@code cmdline} was abandoned because it blocked. */
    public boolean cmdlineTimedOut() {
        return cmdline != null && cmdline.absence() == Read.Absence.TIMED_OUT;
    }

    public String commandLine() {
        if (cmdline == null || cmdline.text() == null || cmdline.text().isEmpty()) {
            return null;
        }
        return cmdline.text().replace('\0', ' ').strip();
    }

    public MountInfo mount(int mountId) {
        if (mounts == null) {
            return null;
        }
        for (MountInfo m : mounts) {
            if (m.mountId() == mountId) {
                return m;
            }
        }
        return null;
    }

    public ProcessInfo withThreads(Task newLeader, List<Task> newThreads) {
        return new ProcessInfo(tgid, newLeader, newThreads, cgroup, cgroupRead, fds, mounts, cmdline);
    }
}
