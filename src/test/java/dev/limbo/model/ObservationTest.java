package dev.limbo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbo.procfs.Fixtures;
import dev.limbo.sampling.ProcSource;
import dev.limbo.procfs.ReadPool;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Progress across samples (khungtaskd's test) on the case trees. */
class ObservationTest {

    static Observation observe(String c) throws Exception {
        return ProcSource.open(Fixtures.caseRoot(c).toString()).observe(new ReadPool(2, 10_000), 1, 0, Set.of());
    }

    @Test
    void stuckProgressingSeenOnceAndSingle() throws Exception {
        assertThat(observe("hung-stuck").progress(6000)).isEqualTo(Progress.STUCK);
        assertThat(observe("hung-progressing").progress(6000)).isEqualTo(Progress.PROGRESSING);
        assertThat(observe("io-seen-once").progress(6000)).isEqualTo(Progress.PROGRESSING);
        assertThat(observe("io-single-sample").progress(6000)).isEqualTo(Progress.UNKNOWN);
        assertThat(observe("seed/proc").progress(22976)).isEqualTo(Progress.UNKNOWN);
    }

    @Test
    void spanFromUptimeFiles() throws Exception {
        Observation o = observe("hung-stuck");
        assertThat(o.samples()).hasSize(3);
        assertThat(o.spanSeconds()).isEqualTo(1.0);
        assertThat(o.first().uptime()).isEqualTo(5000.0);
        assertThat(o.samplesIn(6000, 'D')).isEqualTo(3);
        assertThat(observe("io-seen-once").samplesIn(6000, 'D')).isEqualTo(1);
        assertThat(observe("seed/proc").spanSeconds()).isZero();
    }

    @Test
    void savedTreeWithoutStatFilesUsesStatus() throws Exception {
        Observation o = observe("seed/proc");
        Sample s = o.latest();
        assertThat(s.complete()).isTrue();
        ProcessInfo p = s.process(22889);
        assertThat(p.threads()).extracting(Task::tid).containsExactly(22889, 22976);
        assertThat(p.leader().state().isZombie()).isTrue();
        assertThat(p.leader().ppid()).isEqualTo(1);
        Task t = s.task(22976);
        assertThat(t.stat()).isNull();
        assertThat(t.comm()).isEqualTo("safe_timer");
        assertThat(t.tracerPid()).isEqualTo(6076);
        assertThat(t.detail().stack().has("exit_aio")).isTrue();
        assertThat(p.siblings()).extracting(Task::tid).containsExactly(22976);
        assertThat(s.host().uptimeSeconds()).isEqualTo(-1);
    }

    @Test
    void commsWithParenthesesSurviveTheWholeReader() throws Exception {
        Sample s = observe("comm-paren").latest();
        assertThat(s.process(19520).comm()).isEqualTo("a) b");
        assertThat(s.process(19521).comm()).isEqualTo("x (y) z)");
        assertThat(s.process(19522).comm()).isEqualTo("sp ace");
        assertThat(s.task(19520).state()).isEqualTo(dev.limbo.procfs.TaskState.SLEEPING);
        assertThat(s.process(19530).leader().ppid()).isEqualTo(19520);
    }

    @Test
    void noSamplesIsRefused() {
        assertThatThrownBy(() -> new Observation(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
