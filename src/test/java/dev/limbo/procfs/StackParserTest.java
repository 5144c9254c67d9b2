package dev.limbo.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StackParserTest {

    @Test
    void sleepingTaskCapturedHere() {
        KernelStack s = StackParser.parse(Fixtures.real("sleeping", "stack"));
        assertThat(s.frames()).extracting(StackFrame::function)
                .containsExactly("anon_pipe_read", "vfs_read", "ksys_read", "do_syscall_64", "entry_SYSCALL_64_after_hwframe");
        StackFrame top = s.frames().get(0);
        assertThat(top.offset()).isEqualTo(0x393);
        assertThat(top.size()).isEqualTo(0x440);
        assertThat(top.module()).isNull();
        assertThat(top.address()).isEqualTo("0");
        assertThat(top.line()).isEqualTo("[<0>] anon_pipe_read+0x393/0x440");
    }

    @Test
    void vforkParentOn618() {
        KernelStack s = StackParser.parse(Fixtures.real("vfork-parent", "stack"));
        assertThat(s.frames()).extracting(StackFrame::function)
                .containsExactly("kernel_clone", "__do_sys_vfork", "do_syscall_64", "entry_SYSCALL_64_after_hwframe");
    }

    @Test
    void kernelThreadAndZombie() {
        assertThat(StackParser.parse(Fixtures.real("kthread-kworker-idle", "stack")).has("rescuer_thread")).isTrue();
        assertThat(StackParser.parse(Fixtures.real("zombie", "stack")).isEmpty()).isTrue();
    }

    @Test
    void aarch64Kernel419FromTheFoundingCaseWithSentinel() {
        KernelStack s = StackParser.parse(Fixtures.handmade("stack-4.19-aarch64"));
        assertThat(s.frames()).hasSize(13);
        assertThat(s.frames().get(0).function()).isEqualTo("__switch_to");
        assertThat(s.frames()).extracting(StackFrame::function).doesNotContain("0xffffffffffffffff");
        StackFrame vhost = s.find("vhost_dev_cleanup");
        assertThat(vhost.module()).isEqualTo("vhost");
        assertThat(vhost.offset()).isEqualTo(0x290);
        assertThat(vhost.size()).isEqualTo(0x2c0);
        assertThat(vhost.toString()).isEqualTo("vhost_dev_cleanup [vhost]");
        assertThat(s.find("vhost_net_release").module()).isEqualTo("vhost_net");
        assertThat(s.has("do_exit")).isTrue();
        assertThat(s.frames().get(12).function()).isEqualTo("work_pending");
    }

    @Test
    void oldFormWithFullHexAddressesAndSentinel() {
        KernelStack s = StackParser.parse(Fixtures.handmade("stack-3.10"));
        assertThat(s.frames()).hasSize(11);
        StackFrame top = s.frames().get(0);
        assertThat(top.function()).isEqualTo("rpc_wait_bit_killable");
        assertThat(top.address()).isEqualTo("ffffffffa0318d84");
        assertThat(top.module()).isEqualTo("sunrpc");
        assertThat(top.offset()).isEqualTo(0x24);
        assertThat(top.size()).isEqualTo(0xb0);
        StackFrame builtin = s.find("__wait_on_bit");
        assertThat(builtin.module()).isNull();
        assertThat(builtin.address()).isEqualTo("ffffffff8168a8e9");
        assertThat(s.find("nfs4_call_sync_sequence").module()).isEqualTo("nfsv4");
        assertThat(s.frames().get(10).function()).isEqualTo("system_call_fastpath");
    }

    @Test
    void bothSentinelForms() {
        assertThat(StackParser.parse("[<0>] 0xffffffffffffffff\n").isEmpty()).isTrue();
        assertThat(StackParser.parse("[<ffffffffffffffff>] 0xffffffffffffffff\n").isEmpty()).isTrue();
    }

    @Test
    void frameWithoutOffsetAndBareFunction() {
        KernelStack s = StackParser.parse("[<0>] schedule\nio_schedule+0x12/0x40\n");
        assertThat(s.frames()).extracting(StackFrame::function).containsExactly("schedule", "io_schedule");
        assertThat(s.frames().get(0).offset()).isEqualTo(-1);
        assertThat(s.frames().get(1).address()).isNull();
    }

    @Test
    void garbageLinesAreSkipped() {
        KernelStack s = StackParser.parse("[<0\n[<0>]\n[<0>] two words\n\n[<0>] ok+0xzz/0x10\n");
        assertThat(s.frames()).extracting(StackFrame::function).containsExactly("ok");
        assertThat(s.frames().get(0).offset()).isEqualTo(-1);
        assertThat(StackParser.parse(null).frames()).isEqualTo(List.of());
    }
}
