package dev.limbo.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class TaskStateTest {

    @ParameterizedTest
    @CsvSource({
        "R,RUNNING", "S,SLEEPING", "D,DISK_SLEEP", "T,STOPPED", "t,TRACING_STOP", "X,DEAD", "x,DEAD_OLD",
        "Z,ZOMBIE", "P,PARKED", "I,IDLE", "K,WAKEKILL", "W,WAKING", "?,UNKNOWN", "q,UNKNOWN", "0,UNKNOWN"})
    void everyLetterAKernelReports(char letter, TaskState expected) {
        assertThat(TaskState.of(letter)).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(value = TaskState.class, names = "UNKNOWN", mode = EnumSource.Mode.EXCLUDE)
    void letterRoundTrips(TaskState s) {
        assertThat(TaskState.of(s.letter())).isEqualTo(s);
        assertThat(s.label()).isNotBlank();
    }

    @ParameterizedTest
    @EnumSource(TaskState.class)
    void predicates(TaskState s) {
        assertThat(s.isUninterruptible()).isEqualTo(s == TaskState.DISK_SLEEP);
        assertThat(s.isZombie()).isEqualTo(s == TaskState.ZOMBIE);
        assertThat(s.isDead()).isEqualTo(s == TaskState.ZOMBIE || s == TaskState.DEAD || s == TaskState.DEAD_OLD);
    }
}
