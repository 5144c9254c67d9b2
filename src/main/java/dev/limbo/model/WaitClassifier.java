package dev.limbo.model;

import dev.limbo.procfs.FdLink;
import dev.limbo.procfs.KernelStack;
import dev.limbo.procfs.MountInfo;
import dev.limbo.procfs.StackFrame;
import dev.limbo.procfs.SyscallInfo;
import java.util.List;

/**
 * Classifies what a D task waits on from its kernel stack (innermost first), falling back to
 * wchan and the syscall when the stack is unreadable (not root). Subsystem frames outrank the
 * generic ones: a folio wait under fuse_release is a FUSE wait.
 */
public final class WaitClassifier {
    private WaitClassifier() {
    }

    /** Syscalls whose first argument is a file descriptor (x86_64 numbers). */
    private static final int[] FD_SYSCALLS = {0, 1, 3, 17, 18, 19, 20, 74, 75, 77, 217, 285, 295, 296, 327, 328};

    public static Wait classify(Task task, ProcessInfo process, boolean x86_64) {
        return classify(task, process, x86_64, null);
    }

    /** Classifies with the kernel version known (null when not): killability depends on it. */
    public static Wait classify(Task task, ProcessInfo process, boolean x86_64, KernelVersion version) {
        KernelStack stack = task.detail() == null ? null : task.detail().stack();
        String wchan = task.detail() == null ? null : task.detail().wchan();
        SyscallInfo syscall = task.detail() == null ? null : task.detail().syscall();
        boolean exiting = task.stat() != null && task.stat().isExiting();

        WaitKind kind = WaitKind.UNKNOWN;
        StackFrame decided = null;
        String function = null;
        String basis = "none";
        if (stack != null && !stack.isEmpty()) {
            basis = "stack";
            int bestRank = Integer.MAX_VALUE;
            boolean innerKind = false;
            for (StackFrame f : stack.frames()) {
                String fn = f.function();
                if (fn.equals("do_exit") || fn.equals("do_group_exit")) {
                    exiting = true;
                }
                WaitKind k = kindOf(fn, f.module());
                // kernel_clone is a vfork wait only when nothing inside it is the wait (a lock taken
                // while copying the process is a lock wait).
                if (k == WaitKind.VFORK && innerKind && !fn.equals("wait_for_vfork_done")) {
                    k = null;
                }
                innerKind |= k != null;
                if (k != null && rank(k) < bestRank) {
                    bestRank = rank(k);
                    kind = k;
                    decided = f;
                }
            }
            if (kind == WaitKind.UNKNOWN && exiting) {
                kind = WaitKind.EXIT_PATH;
                decided = stack.find("do_exit");
            }
            function = decided == null ? stack.frames().get(0).function() : decided.function();
        } else if (wchan != null) {
            basis = "wchan";
            function = wchan;
            WaitKind k = INODE_LOCKERS.contains(wchan) ? WaitKind.FILE_LOCK : kindOf(wchan, null);
            kind = k == null ? (exiting ? WaitKind.EXIT_PATH : WaitKind.UNKNOWN) : k;
        } else if (syscall != null && syscall.kind() == SyscallInfo.Kind.IN_SYSCALL && x86_64
                && (syscall.number() == 58 || syscall.number() == 56 || syscall.number() == 435)) {
            basis = "syscall";
            kind = WaitKind.VFORK;
            function = "vfork";
        } else if (exiting) {
            basis = "stat";
            kind = WaitKind.EXIT_PATH;
        }
        // A /proc reader of another process's memory (cmdline, environ) waits for the mmap lock,
        // inlined into __access_remote_vm. Only when it is the innermost frame: a fault under it
        // is the holder's own wait.
        if (stack != null && !stack.isEmpty()) {
            String top = stack.frames().get(0).function();
            if (top.equals("__access_remote_vm") || top.equals("access_remote_vm")) {
                if (kind == WaitKind.UNKNOWN || rank(kind) > rank(WaitKind.MMAP_LOCK)) {
                    kind = WaitKind.MMAP_LOCK;
                    decided = stack.frames().get(0);
                    function = decided.function();
                }
            }
        }
        // A file operation asleep at its very first step, with no request of its own under it:
        // it waits for the file's inode lock (inode_lock() and the rwsem/mutex slow paths are
        // __sched and never shown), which another task holds - not for the filesystem.
        StackFrame lockAt = fileLockFrame(stack);
        if (lockAt != null) {
            kind = WaitKind.FILE_LOCK;
            decided = lockAt;
            function = lockAt.function();
        }
        Killability.Verdict verdict = Killability.judge(stack, wchan, kind, version).verdict();
        Boolean killable = verdict == Killability.Verdict.KILLABLE ? Boolean.TRUE
                : verdict == Killability.Verdict.UNINTERRUPTIBLE ? Boolean.FALSE : null;

        // Which file: the fd named by the syscall, else any open file on a FUSE mount.
        String file = null;
        String mountPoint = null;
        long conn = -1;
        FdLink fd = fdOfSyscall(syscall, process, x86_64);
        if (fd == null && process != null && process.fds() != null && (kind == WaitKind.FUSE || kind == WaitKind.UNKNOWN)) {
            for (FdLink l : process.fds()) {
                MountInfo m = process.mount(l.mountId());
                if (m != null && m.isFuse()) {
                    fd = l;
                    break;
                }
            }
        }
        if (fd != null) {
            file = fd.target();
            MountInfo m = process.mount(fd.mountId());
            if (m != null) {
                mountPoint = m.mountPoint();
                if (m.isFuse()) {
                    conn = m.fuseConnectionId();
                    if (kind == WaitKind.UNKNOWN) {
                        kind = WaitKind.FUSE;
                    }
                }
            }
        }
        if (conn < 0 && kind == WaitKind.FUSE && process != null && process.mounts() != null) {
            MountInfo only = null;
            int fuseMounts = 0;
            for (MountInfo m : process.mounts()) {
                if (m.isFuse()) {
                    only = m;
                    fuseMounts++;
                }
            }
            if (fuseMounts == 1) {
                conn = only.fuseConnectionId();
                mountPoint = only.mountPoint();
            }
        }
        String module = decided == null ? null : decided.module();
        return new Wait(kind, killable, exiting, decided, function, module, basis, conn, file, mountPoint);
    }

    /** The open file the task's current syscall names by its first argument (x86_64), or null. */
    public static FdLink fileOf(Task task, ProcessInfo process, boolean x86_64) {
        SyscallInfo sc = task.detail() == null ? null : task.detail().syscall();
        FdLink f = fdOfSyscall(sc, process, x86_64);
        if (f == null && inFileOp(task.detail() == null ? null : task.detail().stack())) {
            // Every read/write/fsync/ftruncate/fallocate family call takes the fd first, on every
            // architecture: the stack shows the file operation, so the number need not be decoded.
            f = fdOfSyscall(sc, process, true, true);
        }
        return f;
    }

    private static final java.util.Set<String> FILE_OPS = java.util.Set.of("vfs_read", "vfs_write", "vfs_iter_read",
            "vfs_iter_write", "vfs_fsync_range", "vfs_fallocate", "do_sys_ftruncate", "ksys_ftruncate", "do_iter_readv_writev",
            "vfs_readv", "vfs_writev", "do_fsync");

    private static boolean inFileOp(KernelStack stack) {
        if (stack == null) {
            return false;
        }
        for (StackFrame f : stack.frames()) {
            if (FILE_OPS.contains(f.function())) {
                return true;
            }
        }
        return false;
    }

    /** Functions that take the file's inode lock (i_rwsem / i_mutex) before anything else. */
    private static final java.util.Set<String> INODE_LOCKERS = java.util.Set.of(
            "fuse_file_write_iter", "fuse_cache_write_iter", "fuse_direct_write_iter", "fuse_dio_lock",
            "generic_file_write_iter", "ext4_file_write_iter", "ext4_buffered_write_iter", "ext4_dio_write_iter",
            "xfs_file_buffered_write", "xfs_ilock", "shmem_file_write_iter", "btrfs_do_write_iter",
            "btrfs_buffered_write", "nfs_file_write", "f2fs_file_write_iter", "do_truncate", "vfs_fallocate");
    /** Lock slow paths, visible on older kernels only. */
    private static final java.util.Set<String> LOCK_PRIMITIVES = java.util.Set.of(
            "down_write", "down_read", "rwsem_down_write_slowpath", "rwsem_down_read_slowpath",
            "rwsem_down_write_failed", "rwsem_down_read_failed", "call_rwsem_down_write_failed",
            "call_rwsem_down_read_failed", "mutex_lock", "__mutex_lock", "__mutex_lock_slowpath",
            "mutex_lock_nested", "__mutex_lock_common");

    /**
     * The frame that takes a file's inode lock, when the task is asleep right there: the innermost
     * frame is such a function (the lock itself is not shown), or a lock slow path directly under
     * one. Null otherwise (a task inside a request of its own shows request_wait_answer, a page or
     * writeback wait shows folio_wait_*).
     */
    public static StackFrame fileLockFrame(KernelStack stack) {
        if (stack == null || stack.isEmpty()) {
            return null;
        }
        List<StackFrame> frames = stack.frames();
        int i = 0;
        while (i < frames.size() && LOCK_PRIMITIVES.contains(frames.get(i).function())) {
            i++;
        }
        if (i < frames.size() && INODE_LOCKERS.contains(frames.get(i).function())) {
            return frames.get(i);
        }
        return null;
    }

    private static FdLink fdOfSyscall(SyscallInfo syscall, ProcessInfo process, boolean x86_64) {
        return fdOfSyscall(syscall, process, x86_64, false);
    }

    private static FdLink fdOfSyscall(SyscallInfo syscall, ProcessInfo process, boolean x86_64, boolean anyNumber) {
        if (!x86_64 || syscall == null || syscall.kind() != SyscallInfo.Kind.IN_SYSCALL || process == null
                || process.fds() == null || syscall.args().isEmpty()) {
            return null;
        }
        boolean takesFd = anyNumber;
        for (int nr : FD_SYSCALLS) {
            takesFd |= nr == syscall.number();
        }
        if (!takesFd) {
            return null;
        }
        long fdNum;
        try {
            String a = syscall.args().get(0);
            fdNum = Long.parseUnsignedLong(a.startsWith("0x") ? a.substring(2) : a, 16);
        } catch (NumberFormatException e) {
            return null;
        }
        for (FdLink l : process.fds()) {
            if (l.fd() == fdNum) {
                return l;
            }
        }
        return null;
    }

    /** Lower is more specific. */
    private static int rank(WaitKind k) {
        switch (k) {
            case FUSE: case NFS: case CIFS: case VHOST_AIO: return 0;
            case DRIVER_MODULE: return 1;
            case VFORK: case COREDUMP: case FREEZER: case PTRACE_STOP: case EXEC: return 2;
            case AIO: case JOURNAL: return 3;
            case MMAP_LOCK: return 4;
            case BLOCK_IO: return 5;
            case LOCK: case FILE_LOCK: return 6;
            default: return 9;
        }
    }

    public static WaitKind kindOf(String fn, String module) {
        if (fn.startsWith("fuse_") || fn.equals("request_wait_answer") || "fuse".equals(module)) {
            return WaitKind.FUSE;
        }
        if (fn.startsWith("vhost_") || (module != null && module.startsWith("vhost"))) {
            return WaitKind.VHOST_AIO;
        }
        if (fn.startsWith("rpc_") || fn.startsWith("nfs") || fn.startsWith("__rpc_") || "nfs".equals(module)
                || "sunrpc".equals(module) || "nfsv4".equals(module) || "nfsv3".equals(module)) {
            return WaitKind.NFS;
        }
        if (fn.startsWith("cifs_") || fn.startsWith("smb2_") || "cifs".equals(module)) {
            return WaitKind.CIFS;
        }
        // wait_for_vfork_done() is inlined on recent kernels: the stack shows kernel_clone under
        // the vfork/clone syscall entry instead.
        if (fn.equals("wait_for_vfork_done") || fn.endsWith("sys_vfork") || fn.equals("kernel_clone")
                || fn.equals("_do_fork") || fn.equals("do_fork")) {
            return WaitKind.VFORK;
        }
        if (fn.equals("coredump_wait") || fn.equals("do_coredump") || fn.equals("coredump_task_exit")) {
            return WaitKind.COREDUMP;
        }
        if (fn.equals("__refrigerator") || fn.equals("do_freezer_trap")) {
            return WaitKind.FREEZER;
        }
        if (fn.equals("ptrace_stop") || fn.equals("ptrace_notify")) {
            return WaitKind.PTRACE_STOP;
        }
        if (fn.equals("de_thread") || fn.equals("begin_new_exec") || fn.equals("flush_old_exec")) {
            return WaitKind.EXEC;
        }
        if (fn.equals("exit_aio") || fn.equals("read_events") || fn.startsWith("aio_")) {
            return WaitKind.AIO;
        }
        if (fn.startsWith("jbd2") || fn.startsWith("xlog_") || fn.startsWith("xfs_log")) {
            return WaitKind.JOURNAL;
        }
        if (module != null) {
            return WaitKind.DRIVER_MODULE;
        }
        if (fn.contains("mmap_read_lock") || fn.contains("mmap_write_lock") || fn.equals("clear_refs_write") || fn.equals("lock_mm_and_find_vma")
                || fn.equals("exit_mm")) {
            return WaitKind.MMAP_LOCK;
        }
        if (fn.startsWith("folio_wait") || fn.startsWith("wait_on_page") || fn.equals("io_schedule")
                || fn.equals("bit_wait_io") || fn.startsWith("__lock_page") || fn.startsWith("blk_")
                || fn.equals("__wait_on_buffer") || fn.startsWith("wait_on_buffer") || fn.startsWith("submit_bio")
                || fn.contains("writeback")) {
            return WaitKind.BLOCK_IO;
        }
        if (fn.contains("rwsem_down") || fn.startsWith("down_read") || fn.startsWith("down_write")
                || fn.contains("mutex_lock") || fn.equals("__down") || fn.startsWith("rt_mutex")) {
            return WaitKind.LOCK;
        }
        return null;
    }

    /** The module-backed frames of a stack, for naming the driver involved. */
    public static List<StackFrame> moduleFrames(KernelStack stack) {
        return stack == null ? List.of() : stack.frames().stream().filter(f -> f.module() != null).toList();
    }
}
