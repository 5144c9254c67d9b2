package dev.limbo.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignalSetTest {

    @Test
    void foundingCaseMasks() {
        SignalSet shd = SignalSet.parse("0000000000004100");
        assertThat(shd.signals()).containsExactly(9, 15);
        assertThat(shd.names()).containsExactly("SIGKILL", "SIGTERM");
        assertThat(shd.contains(SignalSet.SIGKILL)).isTrue();
        assertThat(SignalSet.parse("0000000000040000").names()).containsExactly("SIGSTOP");
        assertThat(shd.toString()).isEqualTo("[SIGKILL, SIGTERM]");
    }

    @Test
    void bitNMinusOneIsSignalN() {
        assertThat(SignalSet.parse("1").signals()).containsExactly(1);
        assertThat(SignalSet.parse("0000000000010000").signals()).containsExactly(SignalSet.SIGCHLD);
        assertThat(SignalSet.parse("8000000000000000").signals()).containsExactly(64);
    }

    @Test
    void mips32Digits() {
        SignalSet s = SignalSet.parse("80000000000000000000000000000101");
        assertThat(s.signals()).containsExactly(1, 9, 128);
        assertThat(s.high()).isEqualTo(0x8000000000000000L);
        assertThat(s.low()).isEqualTo(0x101);
        assertThat(SignalSet.parse("00000000000000010000000000000000").signals()).containsExactly(65);
    }

    @Test
    void shortMasksAndWhitespace() {
        assertThat(SignalSet.parse("  100 \n").signals()).containsExactly(9);
        assertThat(SignalSet.parse("0").isEmpty()).isTrue();
        assertThat(SignalSet.EMPTY.isEmpty()).isTrue();
    }

    @Test
    void notAMask() {
        assertThat(SignalSet.parse(null)).isNull();
        assertThat(SignalSet.parse("")).isNull();
        assertThat(SignalSet.parse("xyz")).isNull();
        assertThat(SignalSet.parse("0x100")).isNull();
        assertThat(SignalSet.parse("0".repeat(33))).isNull();
    }

    @Test
    void outOfRangeSignals() {
        SignalSet all = SignalSet.parse("f".repeat(32));
        assertThat(all.contains(0)).isFalse();
        assertThat(all.contains(129)).isFalse();
        assertThat(all.contains(-1)).isFalse();
        assertThat(all.signals()).hasSize(128);
    }

    @Test
    void names() {
        assertThat(SignalSet.name(SignalSet.SIGCHLD)).isEqualTo("SIGCHLD");
        assertThat(SignalSet.name(31)).isEqualTo("SIGSYS");
        assertThat(SignalSet.name(34)).isEqualTo("SIGRT2");
        assertThat(SignalSet.name(100)).isEqualTo("SIG100");
        assertThat(SignalSet.name(0)).isEqualTo("SIG0");
    }
}
