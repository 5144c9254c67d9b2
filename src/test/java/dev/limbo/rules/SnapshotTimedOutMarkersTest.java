package dev.limbo.rules;

import static dev.limbo.rules.Cases.diagnose;
import static dev.limbo.rules.Cases.observe;
import static dev.limbo.rules.Cases.one;
import static dev.limbo.rules.Cases.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.agent.AgentTestSupport;
import dev.limbo.model.Observation;
import dev.limbo.procfs.BlockedRead;
import dev.limbo.procfs.Fixtures;
import dev.limbo.procfs.ProcRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read that timed out when {@code limbo snapshot} ran is saved as {@code <path>.limbo-timed-out}
 * (holding the milliseconds waited); a scan of the snapshot reports it as proc-read-blocked, once
 * per task and file however many samples saw it, with the time waited then.
 */
class SnapshotTimedOutMarkersTest {
    @TempDir
    Path tmp;

    /** The unreaped-persistent snapshot (3 samples) with the zombie's cmdline timed out in the given samples. */
    Path snapshotWithMarkers(int... samples) throws Exception {
        Path root = tmp.resolve("snap");
        AgentTestSupport.copyTree(Fixtures.caseRoot("unreaped-persistent"), root);
        for (int s : samples) {
            Path cmdline = root.resolve("samples/" + s + "/19519/cmdline");
            Files.deleteIfExists(cmdline); // the snapshot writes the marker instead of the file
            Files.writeString(root.resolve("samples/" + s + "/19519/cmdline" + ProcRoot.TIMED_OUT_SUFFIX), "512");
        }
        return root;
    }

    @Test
    void aMarkerInEverySampleIsOneFinding() throws Exception {
        Observation obs = observe(snapshotWithMarkers(0, 1, 2));
        assertThat(obs.samples()).hasSize(3);
        assertThat(obs.samples()).allSatisfy(s -> assertThat(s.blockedReads()).extracting(BlockedRead::waitedMillis).containsExactly(512L));
        List<Finding> findings = Cases.diagnose(obs, RuleOptions.DEFAULTS);
        Finding f = one(findings, ProcReadBlockedRule.ID);
        assertThat(f.pid()).isEqualTo(19519);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.title()).contains("cmdline").contains("512");
        // the zombie itself is still diagnosed from the files that were read
        assertThat(only(findings, UnreapedZombieRule.ID)).hasSize(1);
    }

    @Test
    void aMarkerInOneSampleIsEnough() throws Exception {
        Finding f = one(Cases.diagnose(observe(snapshotWithMarkers(1)), RuleOptions.DEFAULTS), ProcReadBlockedRule.ID);
        assertThat(f.pid()).isEqualTo(19519);
    }

    @Test
    void withoutMarkersNothingIsBlocked() {
        assertThat(only(diagnose("unreaped-persistent"), ProcReadBlockedRule.ID)).isEmpty();
    }
}
