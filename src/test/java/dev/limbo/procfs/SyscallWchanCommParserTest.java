package dev.limbo.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyscallWchanCommParserTest {

    @Test
    void syscallRunning() {
        SyscallInfo s = SyscallParser.parse(Fixtures.real("running", "syscall"));
        assertThat(s.kind()).isEqualTo(SyscallInfo.Kind.RUNNING);
        assertThat(s.number()).isEqualTo(-1);
        assertThat(s.args()).isEmpty();
        assertThat(s.x86_64Name()).isNull();
    }

    @Test
    void syscallReadWithArguments() {
        SyscallInfo s = SyscallParser.parse(Fixtures.real("sleeping", "syscall"));
        assertThat(s.kind()).isEqualTo(SyscallInfo.Kind.IN_SYSCALL);
        assertThat(s.number()).isEqualTo(0);
        assertThat(s.x86_64Name()).isEqualTo("read");
        assertThat(s.args()).containsExactly("0x0", "0x7ffc6bb1e9f0", "0x10", "0x7f8d3754db60", "0x557cb7b87000", "0x21001");
        assertThat(s.line()).startsWith("0 0x0 ");
    }

    @Test
    void syscallVfork() {
        SyscallInfo s = SyscallParser.parse(Fixtures.real("vfork-parent", "syscall"));
        assertThat(s.number()).isEqualTo(58);
        assertThat(s.x86_64Name()).isEqualTo("vfork");
    }

    @Test
    void syscallNotInOne() {
        SyscallInfo z = SyscallParser.parse(Fixtures.real("zombie", "syscall"));
        assertThat(z.kind()).isEqualTo(SyscallInfo.Kind.NOT_IN_SYSCALL);
        assertThat(z.number()).isEqualTo(-1);
        assertThat(z.x86_64Name()).isNull();
        // kernel threads print the number 0 with zero arguments: read(0, 0, 0) in form only
        SyscallInfo k = SyscallParser.parse(Fixtures.real("kthread-kworker-idle", "syscall"));
        assertThat(k).isNotNull();
    }

    @Test
    void syscallShortArgumentListAndGarbage() {
        assertThat(SyscallParser.parse("61 0xffffffff").args()).containsExactly("0xffffffff");
        assertThat(SyscallParser.parse("61 0xffffffff").x86_64Name()).isEqualTo("wait4");
        assertThat(SyscallParser.parse(null)).isNull();
        assertThat(SyscallParser.parse("")).isNull();
        assertThat(SyscallParser.parse("   \n")).isNull();
        assertThat(SyscallParser.parse("x 0x1")).isNull();
        assertThat(SyscallParser.parse("999 0x1").x86_64Name()).isNull();
    }

    @Test
    void wchan() {
        assertThat(WchanParser.parse(Fixtures.real("sleeping", "wchan"))).isEqualTo("anon_pipe_read");
        assertThat(WchanParser.parse(Fixtures.real("vfork-parent", "wchan"))).isEqualTo("kernel_clone");
        assertThat(WchanParser.parse(Fixtures.real("kthread-kworker-idle", "wchan"))).isEqualTo("rescuer_thread");
        assertThat(WchanParser.parse(Fixtures.real("running", "wchan"))).isNull();
        assertThat(WchanParser.parse(Fixtures.real("zombie", "wchan"))).isNull();
        assertThat(WchanParser.parse("0")).isNull();
        assertThat(WchanParser.parse("")).isNull();
        assertThat(WchanParser.parse(null)).isNull();
        assertThat(WchanParser.parse("do_wait\n")).isEqualTo("do_wait");
        assertThat(WchanParser.parse("two words")).isNull();
    }

    @Test
    void comm() {
        assertThat(CommParser.parse(Fixtures.real("comm-paren", "comm"))).isEqualTo("a) b");
        assertThat(CommParser.parse(Fixtures.real("comm-nested", "comm"))).isEqualTo("x (y) z)");
        assertThat(CommParser.parse(Fixtures.real("comm-space", "comm"))).isEqualTo("sp ace");
        assertThat(CommParser.parse(Fixtures.real("kthread-kworker-idle", "comm"))).isEqualTo("kworker/R-rcu_gp");
        assertThat(CommParser.parse("no newline")).isEqualTo("no newline");
        assertThat(CommParser.parse("")).isEmpty();
        assertThat(CommParser.parse(null)).isNull();
    }
}
