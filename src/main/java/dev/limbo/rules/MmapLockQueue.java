package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Task;
import dev.limbo.model.WaitClassifier;
import dev.limbo.procfs.FdLink;
import dev.limbo.procfs.KernelStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who holds a process's mmap lock and who is queued for it, from the kernel stacks: a thread
 * asleep inside a page fault holds the lock for reading (faults run under mmap_read_lock; a
 * fault for get_user_pages_remote() is not retried without it); a task asleep at the start of
 * mmap, munmap, mprotect, brk, madvise or clear_refs waits to take it for writing. The rwsem is
 * fair: once a writer waits, every new reader (cmdline, environ, maps, smaps, exit_mm) queues too.
 */
final class MmapLockQueue {
    private static final Set<String> FAULT_FRAMES = Set.of("handle_mm_fault", "__handle_mm_fault", "do_user_addr_fault",
            "exc_page_fault", "do_page_fault", "__do_page_fault", "__get_user_pages", "get_user_pages_remote",
            "filemap_fault", "__do_fault", "do_fault", "faultin_page");
    /** Innermost frames of a task that waits to take the mmap lock (read or write): not a holder. */
    private static final Set<String> LOCK_TAKERS = Set.of("lock_mm_and_find_vma", "__access_remote_vm", "access_remote_vm",
            "mmap_read_lock", "mmap_read_lock_killable", "down_read", "down_read_killable", "rwsem_down_read_slowpath",
            "rwsem_down_read_failed", "exit_mm");
    /** Innermost frames of a task queued to take the mmap lock for writing. */
    private static final Set<String> WRITERS = Set.of("vm_mmap_pgoff", "__vm_munmap", "vm_munmap", "do_mprotect_pkey",
            "__do_sys_brk", "__x64_sys_brk", "__se_sys_brk", "__do_sys_mremap", "__x64_sys_mremap", "do_madvise",
            "clear_refs_write", "mmap_write_lock_killable", "down_write_killable", "__x64_sys_munmap",
            "__do_sys_munmap", "rwsem_down_write_slowpath", "rwsem_down_write_failed", "prctl_set_mm", "do_mlock");
    private static final Pattern CLEAR_REFS = Pattern.compile("/proc/(\\d{1,10})(?:/task/\\d{1,10})?/clear_refs");

    /** A queued writer: the task and, when it is another process writing clear_refs, the fd that shows it. */
    record Writer(ProcessInfo process, Task task, FdLink via) {
    }

    record Queue(ProcessInfo process, Task holder, List<Writer> writers) {
    }

    private MmapLockQueue() {
    }

    /** The holder and queued writers of p's mmap lock; null when no holder shows in the stacks. */
    static Queue of(Context ctx, ProcessInfo p) {
        Task holder = null;
        for (Task t : p.threads()) {
            if (isHolder(t)) {
                holder = t;
                break;
            }
        }
        if (holder == null) {
            return null;
        }
        List<Writer> writers = new ArrayList<>();
        for (Task t : p.threads()) {
            if (t != holder && isWriter(t) && !top(t).equals("clear_refs_write")) {
                writers.add(new Writer(p, t, null));
            }
        }
        List<ProcessInfo> procs = new ArrayList<>(ctx.latest().processes().values());
        procs.sort((a, b) -> Integer.compare(a.tgid(), b.tgid()));
        for (ProcessInfo q : procs) {
            if (q.fds() == null) {
                continue;
            }
            for (Task t : q.threads()) {
                if (!isWriter(t) || !top(t).equals("clear_refs_write")) {
                    continue;
                }
                FdLink f = WaitClassifier.fileOf(t, q, ctx.options().x86_64());
                List<FdLink> candidates = f != null ? List.of(f) : q.fds();
                for (FdLink l : candidates) {
                    var m = CLEAR_REFS.matcher(l.target());
                    if (m.matches() && Integer.parseInt(m.group(1)) == p.tgid()) {
                        writers.add(new Writer(q, t, l));
                        break;
                    }
                }
            }
        }
        return new Queue(p, holder, writers);
    }

    static boolean isHolder(Task t) {
        char st = t.state().letter();
        KernelStack s = stack(t);
        if ((st != 'D' && st != 'S') || s == null || s.isEmpty() || LOCK_TAKERS.contains(top(t))) {
            return false;
        }
        for (String f : FAULT_FRAMES) {
            if (s.has(f)) {
                return true;
            }
        }
        return false;
    }

    static boolean isWriter(Task t) {
        return t.state().isUninterruptible() && stack(t) != null && !stack(t).isEmpty() && WRITERS.contains(top(t));
    }

    private static KernelStack stack(Task t) {
        return t.detail() == null ? null : t.detail().stack();
    }

    static String top(Task t) {
        KernelStack s = stack(t);
        return s == null || s.isEmpty() ? "" : s.frames().get(0).function();
    }
}
