package dev.limbo.model;

import dev.limbo.procfs.KernelStack;
import dev.limbo.procfs.StackFrame;
import java.util.List;
import java.util.Set;

/**
 * Which waits that show as D end on SIGKILL (TASK_KILLABLE) and which do not
 * (TASK_UNINTERRUPTIBLE), per kernel version: the one place limbo keeps that knowledge.
 *
 * <p>/proc/PID/stack and wchan never show {@code __sched} functions ({@code mutex_lock_killable},
 * {@code down_*_killable}, {@code wait_for_completion*}, {@code schedule*}: kernel/stacktrace.c
 * skips them), so the wait primitive itself is rarely visible: an entry names the innermost frame
 * that is shown (the caller of the hidden primitive), and the kernel versions in which that caller
 * waits killably. Where no entry matches, or an entry depends on a version that is not known,
 * the answer is {@link Verdict#UNKNOWN}: D is TASK_UNINTERRUPTIBLE or TASK_KILLABLE and /proc
 * cannot tell them apart. Evidence outranks this table (see {@code Context.killability}): a thread
 * that stays D across samples with SIGKILL in its own SigPnd is not in a killable wait.
 *
 * <p>Sources: shared/notes/KERNEL.md §6 and "Errata" 5, 7, 8, 9 (3.10.108, 4.19.0, 6.12.117 source
 * and live 6.18). "(nv)" marks a version taken from a commit date, not checked in source.
 */
public final class Killability {
    private Killability() {
    }

    /** How a wait answers SIGKILL. */
    public enum Verdict {
        /** TASK_KILLABLE: SIGKILL wakes it and the task exits; khungtaskd skips it. */
        KILLABLE,
        /** TASK_UNINTERRUPTIBLE: no signal wakes it. */
        UNINTERRUPTIBLE,
        /** Either; /proc cannot tell. */
        UNKNOWN
    }

    /** Where the entry's frame must be. */
    public enum Where {
        /** The innermost frame shown (or wchan when there is no stack). */
        TOP,
        /** Among the few innermost frames shown: a primitive and its slow path. */
        PRIMITIVE,
        /** Anywhere in the stack. */
        ANY
    }

    /**
     * One fact: a wait ({@code what}), how to recognise it, the kernels in which it holds, the verdict, and where
     * it was checked.
     *
     * @param frames function names (a name ending in '*' is a prefix, one starting with '*' a
     *               substring), or empty when {@code kind} decides
     * @param kind the wait kind that decides instead of frames (vfork), or null
     * @param since first kernel with this verdict (inclusive), or null for every version
     * @param until first kernel without it (exclusive), or null
     */
    public record Entry(String what, List<String> frames, Where where, WaitKind kind, KernelVersion since,
            KernelVersion until, Verdict verdict, String source) {

        boolean bounded() {
            return since != null || until != null;
        }

        boolean holdsOn(KernelVersion v) {
            return (since == null || v.atLeast(since)) && (until == null || !v.atLeast(until));
        }
    }

    private static Entry top(String what, List<String> frames, String since, String until, Verdict v, String source) {
        return new Entry(what, frames, Where.TOP, null, since == null ? null : KernelVersion.of(since),
                until == null ? null : KernelVersion.of(until), v, source);
    }

    private static final Verdict K = Verdict.KILLABLE;
    private static final Verdict U = Verdict.UNINTERRUPTIBLE;

    /** The table, most specific first; the first entry that matches decides. */
    public static final List<Entry> TABLE = List.of(
            new Entry("forced FUSE request (FLUSH, RELEASE, writepage WRITE, DESTROY)",
                    List.of("fuse_flush", "fuse_release", "fuse_send_writepage", "fuse_sync_release", "fuse_send_destroy",
                            "fuse_writepage_locked", "fuse_file_put"),
                    Where.ANY, null, null, null, U,
                    "fs/fuse/dev.c request_wait_answer(): forced requests go straight to wait_event() (3.10, 6.12); KERNEL.md Errata 9"),
            new Entry("a *_killable primitive that shows (folio_lock_killable, lock_page_killable, "
                    + "mutex_lock_killable's slow path, rpc_wait_bit_killable, …)", List.of("*_killable"), Where.PRIMITIVE,
                    null, null, null, K,
                    "include/linux/wait.h, kernel/locking/mutex.c, mm/filemap.c, net/sunrpc/sched.c: TASK_KILLABLE in every version"),
            top("a plain sleeping lock that shows (mutex_lock, down_read, down_write and their slow paths)",
                    List.of("mutex_lock", "__mutex_lock*", "mutex_lock_nested", "down_read", "down_write", "__down",
                            "__down_read*", "__down_write*", "rwsem_down_read_slowpath", "rwsem_down_write_slowpath",
                            "rwsem_down_read_failed", "rwsem_down_write_failed"), null, null, U,
                    "kernel/locking/mutex.c, rwsem.c: mutex_lock()/down_read()/down_write() sleep in TASK_UNINTERRUPTIBLE "
                            + "(their killable variants show as their own frames; usually all are hidden, KERNEL.md Errata 7)"),
            new Entry("vfork parent (wait_for_vfork_done; on 6.18 kernel_clone <- __do_sys_vfork)", List.of(), Where.TOP,
                    WaitKind.VFORK, null, null, K,
                    "kernel/fork.c wait_for_vfork_done(): wait_for_completion_killable (3.10), "
                            + "wait_for_completion_state(TASK_KILLABLE|TASK_FREEZABLE) (6.12); d68b46fe16ad \"vfork: make it killable\" (3.4 nv), so every kernel limbo supports"),
            top("exec waiting for the other threads to exit (de_thread)", List.of("de_thread"), null, null, K,
                    "fs/exec.c de_thread(): __set_current_state(TASK_KILLABLE) in 3.10, 4.19, 6.12"),
            top("exec (begin_new_exec, de_thread inlined)", List.of("begin_new_exec"), null, null, K,
                    "live 6.18: de_thread() inlined into begin_new_exec(); its other waits (exec_update_lock, the old mm's "
                            + "mmap lock) are killable too; begin_new_exec exists from 5.8 (\"exec: Rename flush_old_exec begin_new_exec\", nv)"),
            top("exec (flush_old_exec, de_thread inlined)", List.of("flush_old_exec"), null, null, K,
                    "fs/exec.c flush_old_exec() -> de_thread() (TASK_KILLABLE); flush_old_exec exists before 5.8 (nv)"),
            top("truncate waiting for the inode lock (do_truncate)", List.of("do_truncate"), "6.16", null, K,
                    "d68687564280 \"fs/open: make do_truncate() killable\" (6.16)"),
            top("truncate waiting for the inode lock (do_truncate)", List.of("do_truncate"), null, "6.16", U,
                    "fs/open.c do_truncate(): inode_lock() (down_write) before 6.16"),
            top("page fault taking the mmap lock (lock_mm_and_find_vma)", List.of("lock_mm_and_find_vma"), null, null, K,
                    "mm/memory.c lock_mm_and_find_vma(): mmap_read_lock_killable(); the function exists from 6.4"),
            top("page fault taking the mmap lock (do_user_addr_fault)", List.of("do_user_addr_fault", "__do_page_fault"),
                    null, "6.4", U, "arch/x86/mm/fault.c: mmap_read_lock()/down_read(&mm->mmap_sem) before 6.4"),
            top("a /proc reader of another process's memory (cmdline, environ, mem)",
                    List.of("__access_remote_vm", "access_remote_vm"), "5.3", null, K,
                    "mm/memory.c __access_remote_vm(): mmap_read_lock_killable() (6.12); \"mm: use down_read_killable for "
                            + "locking mmap_sem in access_remote_vm\" (5.3)"),
            top("a /proc reader of another process's memory (cmdline, environ, mem)",
                    List.of("__access_remote_vm", "access_remote_vm"), null, "5.3", U,
                    "mm/memory.c __access_remote_vm(): down_read(&mm->mmap_sem) (4.19)"),
            top("a writer of /proc/PID/clear_refs", List.of("clear_refs_write"), "5.3", null, K,
                    "fs/proc/task_mmu.c clear_refs_write(): mmap_write_lock_killable() (6.12); Khlebnikov's killable "
                            + "mmap_sem series (5.3 nv)"),
            top("a writer of /proc/PID/clear_refs", List.of("clear_refs_write"), null, "5.3", U,
                    "fs/proc/task_mmu.c clear_refs_write(): down_read(&mm->mmap_sem) (4.19)"),
            top("a reader of /proc/PID/maps, smaps, pagemap (m_start)", List.of("m_start", "pagemap_read"), "5.3", null, K,
                    "fs/proc/task_mmu.c: mmap_read_lock_killable() from 5.3 (\"proc: use down_read_killable mmap_sem for /proc/pid/maps\")"),
            top("a reader of /proc/PID/maps, smaps, pagemap (m_start)", List.of("m_start", "pagemap_read"), null, "5.3", U,
                    "fs/proc/task_mmu.c: down_read(&mm->mmap_sem) before 5.3 (3.10)"),
            top("folio or page lock and writeback waits", List.of("folio_wait_bit", "folio_wait_bit_common",
                    "folio_wait_writeback", "__folio_lock", "wait_on_page_bit", "wait_on_page_bit_common", "__lock_page",
                    "wait_on_page_writeback"), null, null, U,
                    "mm/filemap.c: folio_wait_bit()/__folio_lock() sleep in TASK_UNINTERRUPTIBLE; the killable variants "
                            + "(folio_wait_bit_killable, __folio_lock_killable) show as their own frame"),
            top("a core dump waiting for the other threads (coredump_wait)", List.of("coredump_wait", "do_coredump"),
                    null, null, U,
                    "fs/coredump.c coredump_wait(): wait_for_completion(&core_state->startup) (3.10; 6.12 "
                            + "TASK_UNINTERRUPTIBLE|TASK_FREEZABLE); SIGKILL stops the writing, not this wait"),
            top("AIO teardown at exit (exit_aio)", List.of("exit_aio"), null, null, U,
                    "fs/aio.c exit_aio(): wait_for_completion() (4.19; not in vanilla 3.10)"),
            top("a FUSE request (request_wait_answer)", List.of("request_wait_answer"), null, null, Verdict.UNKNOWN,
                    "fs/fuse/dev.c: phase 2 wait_event_killable() while the daemon has not read it, phase 3 wait_event() "
                            + "after; /proc cannot tell which (KERNEL.md §6)"));

    /** Scheduler frames older kernels print on top of every sleeping stack (4.19: __switch_to). */
    private static final Set<String> SCHEDULER = Set.of("__switch_to", "__schedule", "schedule", "schedule_timeout",
            "io_schedule", "io_schedule_timeout", "schedule_preempt_disabled", "__switch_to_asm", "ret_from_fork");

    /** How deep a wait primitive and its slow path reach: __mutex_lock <- __mutex_lock_killable_slowpath <- mutex_lock_killable. */
    private static final int PRIMITIVE_DEPTH = 3;

    /** What the table says, and which entry said it (null when none matched). */
    public record Judgement(Verdict verdict, Entry entry) {
        static final Judgement NONE = new Judgement(Verdict.UNKNOWN, null);
    }

    /**
     * Judges a wait from its frames (innermost first; wchan alone when the stack was unreadable),
     * its kind, and the kernel version (null when unknown).
     */
    public static Judgement judge(KernelStack stack, String wchan, WaitKind kind, KernelVersion version) {
        List<String> frames = stack != null && !stack.isEmpty()
                ? stack.frames().stream().map(StackFrame::function).filter(f -> !SCHEDULER.contains(f)).toList()
                : wchan != null ? List.of(wchan) : List.of();
        String top = frames.isEmpty() ? null : frames.get(0);
        for (Entry e : TABLE) {
            if (!matches(e, frames, top, kind)) {
                continue;
            }
            if (!e.bounded()) {
                return new Judgement(e.verdict(), e);
            }
            if (version == null) {
                return new Judgement(Verdict.UNKNOWN, e);
            }
            if (e.holdsOn(version)) {
                return new Judgement(e.verdict(), e);
            }
        }
        return Judgement.NONE;
    }

    private static boolean matches(Entry e, List<String> frames, String top, WaitKind kind) {
        if (e.kind() != null) {
            return e.kind() == kind;
        }
        if (e.where() == Where.TOP) {
            return top != null && e.frames().stream().anyMatch(p -> nameMatches(p, top));
        }
        if (e.where() == Where.PRIMITIVE) {
            return frames.stream().limit(PRIMITIVE_DEPTH)
                    .anyMatch(f -> e.frames().stream().anyMatch(p -> nameMatches(p, f)));
        }
        return frames.stream().anyMatch(f -> e.frames().stream().anyMatch(p -> nameMatches(p, f)));
    }

    static boolean nameMatches(String pattern, String fn) {
        if (pattern.startsWith("*")) {
            return fn.contains(pattern.substring(1));
        }
        if (pattern.endsWith("*")) {
            return fn.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return fn.equals(pattern);
    }
}
