package dev.limbo.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.procfs.FdLink;
import dev.limbo.procfs.Fixtures;
import dev.limbo.procfs.MountInfoParser;
import dev.limbo.procfs.StackParser;
import dev.limbo.procfs.StatParser;
import dev.limbo.procfs.SyscallParser;
import dev.limbo.procfs.TaskStat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WaitClassifierTest {

    static Task task(String stat, String stack, String wchan, String syscall) {
        TaskStat st = StatParser.parse(stat == null ? "100 (t) D 1 100 100 0 -1 4194304" : stat);
        TaskDetail d = new TaskDetail(null, null, stack == null ? null : StackParser.parse(stack), null,
                wchan, null, syscall == null ? null : SyscallParser.parse(syscall), null, null);
        return new Task(st.pid(), st.pid(), st, null, d);
    }

    static Wait classify(String stack) {
        return WaitClassifier.classify(task(null, stack, null, null), null, false);
    }

    @Test
    void foundingCaseIsVhostAioInExit() {
        Wait w = classify(Fixtures.handmade("stack-4.19-aarch64"));
        assertThat(w.kind()).isEqualTo(WaitKind.VHOST_AIO);
        assertThat(w.function()).isEqualTo("vhost_dev_cleanup");
        assertThat(w.module()).isEqualTo("vhost");
        assertThat(w.exiting()).isTrue();
        assertThat(w.basis()).isEqualTo("stack");
        // exit_aio() waits in wait_for_completion() (4.19): uninterruptible in any version
        assertThat(w.killable()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[<0>] request_wait_answer+0x141/0x280|FUSE|false",
        "[<0>] folio_wait_bit_common+0x13d/0x350\\n[<0>] fuse_release+0x10/0x20|FUSE|false",
        "[<0>] rpc_wait_bit_killable+0x1e/0xa0 [sunrpc]|NFS|false",
        "[<0>] cifs_wait_mtu_credits+0x1/0x2 [cifs]|CIFS|false",
        "[<0>] wait_for_vfork_done+0x2f/0x40\\n[<0>] kernel_clone+0x1bf/0x3d0|VFORK|false",
        "[<0>] coredump_wait+0x1/0x2\\n[<0>] do_coredump+0x1/0x2|COREDUMP|false",
        "[<0>] __refrigerator+0x1/0x2|FREEZER|false",
        "[<0>] ptrace_stop+0x1/0x2|PTRACE_STOP|false",
        "[<0>] de_thread+0x1/0x2|EXEC|false",
        "[<0>] jbd2_log_wait_commit+0x1/0x2|JOURNAL|false",
        "[<0>] memory_read+0x10/0x20 [memory]|DRIVER_MODULE|false",
        "[<0>] rwsem_down_read_slowpath+0x1/0x2\\n[<0>] lock_mm_and_find_vma+0x1/0x2|MMAP_LOCK|false",
        "[<0>] io_schedule+0x46/0x70\\n[<0>] bit_wait_io+0x11/0x60|BLOCK_IO|false",
        "[<0>] __mutex_lock.constprop.0+0x1/0x2\\n[<0>] mutex_lock+0x1/0x2|LOCK|false",
        "[<0>] something_else+0x1/0x2|UNKNOWN|false",
        "[<0>] schedule+0x1/0x2\\n[<0>] do_exit+0x1/0x2|EXIT_PATH|true"})
    void kinds(String stack, WaitKind kind, boolean exiting) {
        Wait w = classify(stack.replace("\\n", "\n"));
        assertThat(w.kind()).isEqualTo(kind);
        assertThat(w.exiting()).isEqualTo(exiting);
    }

    @Test
    void killableFrames() {
        assertThat(classify("[<0>] rpc_wait_bit_killable+0x1/0x2 [sunrpc]").killable()).isTrue();
        assertThat(classify("[<0>] mutex_lock_killable+0x1/0x2").killable()).isTrue();
        assertThat(classify("[<0>] wait_for_vfork_done+0x1/0x2").killable()).isTrue();
        assertThat(classify("[<0>] fuse_flush+0x1/0x2\n[<0>] do_exit+0x1/0x2").killable()).isFalse();
        assertThat(classify("[<0>] io_schedule+0x1/0x2").killable()).isNull();
    }

    @Test
    void fallbackToWchanThenSyscallThenStatFlags() {
        Wait byWchan = WaitClassifier.classify(task(null, null, "request_wait_answer", null), null, false);
        assertThat(byWchan.basis()).isEqualTo("wchan");
        assertThat(byWchan.kind()).isEqualTo(WaitKind.FUSE);
        Wait killableWchan = WaitClassifier.classify(task(null, null, "rpc_wait_bit_killable", null), null, false);
        assertThat(killableWchan.killable()).isTrue();
        Wait bySyscall = WaitClassifier.classify(task(null, null, null, "58 0x0 0x0 0x0 0x0 0x0 0x0 0x1 0x2"), null, true);
        assertThat(bySyscall.basis()).isEqualTo("syscall");
        assertThat(bySyscall.kind()).isEqualTo(WaitKind.VFORK);
        assertThat(bySyscall.killable()).isTrue();
        // syscall numbers are only decoded for the live x86_64 host
        assertThat(WaitClassifier.classify(task(null, null, null, "58 0x0"), null, false).kind()).isEqualTo(WaitKind.UNKNOWN);
        Wait byFlags = WaitClassifier.classify(task("100 (t) D 1 100 100 0 -1 4195332", null, null, null), null, false);
        assertThat(byFlags.basis()).isEqualTo("stat");
        assertThat(byFlags.kind()).isEqualTo(WaitKind.EXIT_PATH);
        Wait nothing = WaitClassifier.classify(task(null, null, null, null), null, false);
        assertThat(nothing.basis()).isEqualTo("none");
        assertThat(nothing.kind()).isEqualTo(WaitKind.UNKNOWN);
    }

    @Test
    void fuseConnectionFromTheFdTheSyscallNames() {
        var mounts = MountInfoParser.parse("61 27 0:52 / /mnt/fuse rw,relatime - fuse.test test rw\n"
                + "22 27 0:21 / /proc rw - proc proc rw\n");
        ProcessInfo p = new ProcessInfo(100, null, List.of(), null, null,
                List.of(new FdLink(3, "/mnt/fuse/file", 61), new FdLink(4, "/proc/stat", 22)), mounts, null);
        Task t = task(null, "[<0>] request_wait_answer+0x1/0x2", null, "0 0x3 0x7f 0x1000 0x0 0x0 0x0 0x1 0x2");
        Wait w = WaitClassifier.classify(t, p, true);
        assertThat(w.kind()).isEqualTo(WaitKind.FUSE);
        assertThat(w.file()).isEqualTo("/mnt/fuse/file");
        assertThat(w.mountPoint()).isEqualTo("/mnt/fuse");
        assertThat(w.fuseConnection()).isEqualTo(52);
        // not x86_64 (a saved tree): the only FUSE file open is still found
        Wait saved = WaitClassifier.classify(t, p, false);
        assertThat(saved.fuseConnection()).isEqualTo(52);
    }

    @Test
    void moduleFrames() {
        var frames = WaitClassifier.moduleFrames(StackParser.parse(Fixtures.handmade("stack-4.19-aarch64")));
        assertThat(frames).extracting(f -> f.module()).containsExactly("vhost", "vhost_net");
        assertThat(WaitClassifier.moduleFrames(null)).isEmpty();
    }

    /** Regression (was a bug in src/main, fixed on main): the real 6.18 vfork parent (wait_for_vfork_done() inlined). See the report. */
    @Test
    void bugVforkParentOnKernel618() {
        Task real = task(Fixtures.real("vfork-parent", "stat"), Fixtures.real("vfork-parent", "stack"), "kernel_clone", null);
        Wait w = WaitClassifier.classify(real, null, false);
        assertThat(w.kind()).isEqualTo(WaitKind.VFORK);
        assertThat(w.killable()).isTrue();
        Wait wchanOnly = WaitClassifier.classify(task(null, null, "kernel_clone", null), null, false);
        assertThat(wchanOnly.kind()).isEqualTo(WaitKind.VFORK);
    }

    @Test
    void aLockTakenInsideForkIsNotAVforkWait() {
        Wait w = classify("[<0>] percpu_rwsem_wait+0x1/0x2\n[<0>] __percpu_down_read+0x1/0x2\n"
                + "[<0>] rwsem_down_read_slowpath+0x1/0x2\n[<0>] copy_process+0x1/0x2\n[<0>] kernel_clone+0x1/0x2");
        assertThat(w.kind()).isNotEqualTo(WaitKind.VFORK);
        assertThat(w.killable()).isNotEqualTo(Boolean.TRUE);
    }
}
