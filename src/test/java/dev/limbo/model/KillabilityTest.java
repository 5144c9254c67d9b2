package dev.limbo.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.model.Killability.Verdict;
import dev.limbo.procfs.KernelStack;
import dev.limbo.procfs.StackParser;
import org.junit.jupiter.api.Test;

/** The killability table, per kernel version (KERNEL.md §6 and Errata 5, 7, 8, 9). */
class KillabilityTest {
    private static final KernelVersion K310 = KernelVersion.of("3.10");
    private static final KernelVersion K419 = KernelVersion.of("4.19");
    private static final KernelVersion K612 = KernelVersion.of("6.12");
    private static final KernelVersion K615 = KernelVersion.of("6.15");
    private static final KernelVersion K616 = KernelVersion.of("6.16");
    private static final KernelVersion K618 = KernelVersion.of("6.18");

    private static KernelStack stack(String... functions) {
        StringBuilder b = new StringBuilder();
        for (String f : functions) {
            b.append("[<0>] ").append(f).append("+0x1/0x2\n");
        }
        return StackParser.parse(b.toString());
    }

    private static Verdict judge(KernelVersion v, String... functions) {
        return Killability.judge(stack(functions), null, WaitKind.UNKNOWN, v).verdict();
    }

    @Test
    void kernelVersionsFromOsrelease() {
        assertThat(KernelVersion.parse("6.18.44-fc-v782")).isEqualTo(K618);
        assertThat(KernelVersion.parse("4.19.0-27-amd64")).isEqualTo(K419);
        assertThat(KernelVersion.parse("3.10.0-1160.el7.x86_64")).isEqualTo(K310);
        assertThat(KernelVersion.parse("garbage")).isNull();
        assertThat(KernelVersion.parse(null)).isNull();
        assertThat(KernelVersion.parse("6")).isNull();
        assertThat(K616.atLeast(K615)).isTrue();
        assertThat(KernelVersion.of("6.4").atLeast(KernelVersion.of("6.12"))).isFalse();
    }

    @Test
    void execWaitingInDeThreadIsKillableInEveryVersion() {
        for (KernelVersion v : new KernelVersion[] {K310, K419, K612, K618, null}) {
            assertThat(judge(v, "de_thread", "load_elf_binary", "search_binary_handler")).isEqualTo(Verdict.KILLABLE);
        }
        // 6.18: de_thread() is inlined, wchan and the stack show begin_new_exec
        assertThat(judge(K618, "begin_new_exec", "load_elf_binary", "bprm_execve")).isEqualTo(Verdict.KILLABLE);
        assertThat(Killability.judge(null, "begin_new_exec", WaitKind.EXEC, K618).verdict()).isEqualTo(Verdict.KILLABLE);
    }

    @Test
    void vforkIsKillable() {
        assertThat(Killability.judge(stack("kernel_clone", "__do_sys_vfork"), "kernel_clone", WaitKind.VFORK, K618).verdict())
                .isEqualTo(Verdict.KILLABLE);
        assertThat(Killability.judge(null, "wait_for_vfork_done", WaitKind.VFORK, null).verdict()).isEqualTo(Verdict.KILLABLE);
    }

    @Test
    void doTruncateIsKillableFrom616() {
        assertThat(judge(K616, "do_truncate", "do_sys_ftruncate")).isEqualTo(Verdict.KILLABLE);
        assertThat(judge(K615, "do_truncate", "do_sys_ftruncate")).isEqualTo(Verdict.UNINTERRUPTIBLE);
        assertThat(judge(null, "do_truncate", "do_sys_ftruncate")).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void clearRefsAndRemoteVmReadersAreKillableOnlyFrom53() {
        assertThat(judge(K612, "clear_refs_write", "vfs_write")).isEqualTo(Verdict.KILLABLE);
        assertThat(judge(K419, "clear_refs_write", "vfs_write")).isEqualTo(Verdict.UNINTERRUPTIBLE);
        assertThat(judge(K310, "clear_refs_write", "vfs_write")).isEqualTo(Verdict.UNINTERRUPTIBLE);
        assertThat(judge(K612, "__access_remote_vm", "proc_pid_cmdline_read")).isEqualTo(Verdict.KILLABLE);
        assertThat(judge(K419, "__access_remote_vm", "proc_pid_cmdline_read")).isEqualTo(Verdict.UNINTERRUPTIBLE);
        assertThat(judge(null, "__access_remote_vm", "proc_pid_cmdline_read")).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void pageFaultsTakeTheMmapLockKillablyFrom64() {
        assertThat(judge(K618, "lock_mm_and_find_vma", "do_user_addr_fault", "exc_page_fault")).isEqualTo(Verdict.KILLABLE);
        assertThat(judge(KernelVersion.of("5.15"), "do_user_addr_fault", "exc_page_fault")).isEqualTo(Verdict.UNINTERRUPTIBLE);
    }

    @Test
    void folioWaitsAreUninterruptibleUnlessTheKillableVariantShows() {
        assertThat(judge(K618, "folio_wait_bit", "folio_wait_writeback", "__filemap_fdatawait_range")).isEqualTo(Verdict.UNINTERRUPTIBLE);
        assertThat(judge(K618, "folio_wait_bit_common", "__folio_lock_killable", "filemap_fault")).isEqualTo(Verdict.KILLABLE);
        assertThat(judge(K419, "__lock_page_killable", "filemap_fault")).isEqualTo(Verdict.KILLABLE);
    }

    @Test
    void forcedFuseRequestsAreUninterruptibleTheOthersCannotBeTold() {
        assertThat(judge(K618, "request_wait_answer", "fuse_simple_request", "fuse_flush", "filp_close", "do_exit"))
                .isEqualTo(Verdict.UNINTERRUPTIBLE);
        assertThat(judge(K618, "request_wait_answer", "__fuse_simple_request", "fuse_direct_io", "fuse_file_read_iter"))
                .isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void exitAioAndCoredumpWaitsAreUninterruptible() {
        // 4.19 printed __switch_to on top of every sleeping stack (the founding case)
        assertThat(judge(null, "__switch_to", "exit_aio", "mmput", "do_exit")).isEqualTo(Verdict.UNINTERRUPTIBLE);
        assertThat(judge(K612, "coredump_wait", "do_coredump", "get_signal")).isEqualTo(Verdict.UNINTERRUPTIBLE);
    }

    @Test
    void anythingElseIsUnknown() {
        assertThat(judge(K618, "fuse_file_write_iter", "vfs_write")).isEqualTo(Verdict.UNKNOWN);
        assertThat(Killability.judge(null, null, WaitKind.UNKNOWN, K618)).isEqualTo(new Killability.Judgement(Verdict.UNKNOWN, null));
    }

    @Test
    void everyEntryNamesItsSource() {
        assertThat(Killability.TABLE).allSatisfy(e -> {
            assertThat(e.what()).isNotBlank();
            assertThat(e.source()).isNotBlank();
            assertThat(e.frames().isEmpty()).isEqualTo(e.kind() != null);
        });
    }
}
