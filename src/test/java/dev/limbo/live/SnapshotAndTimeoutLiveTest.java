package dev.limbo.live;

import static dev.limbo.fixtures.FixtureChecks.assertReleasedCleanly;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.limbo.cli.Main;
import dev.limbo.fixtures.Fixture;
import dev.limbo.fixtures.NativeFixtures;
import dev.limbo.fixtures.Subreaper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real commands end to end on held fixtures: {@code --read-timeout} bounds a read that blocks
 * (mmap-lock-held: the victim's cmdline), {@code limbo snapshot} keeps that timed-out read as a
 * marker so that a scan of the snapshot still reports proc-read-blocked, and a snapshot of the
 * founding case (fuse-stuck) scans to the same findings as the live host.
 */
@Tag("live")
@Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SnapshotAndTimeoutLiveTest {
    @BeforeAll
    static void live() {
        NativeFixtures.assumeFuse();
        Subreaper.enable();
    }

    @AfterAll
    static void reapStrays() {
        Subreaper.reapStrays(Duration.ofMillis(500));
    }

    /** rule severity pid tids of the findings about the fixture, sorted. */
    static List<String> about(Limbo s, Fixture f) {
        List<String> out = new ArrayList<>(Limbo.summary(s.findingsAbout(f)));
        out.sort(null);
        return out;
    }

    static int snapshot(Path file, String... extra) {
        List<String> a = new ArrayList<>(List.of("snapshot", "-o", file.toString()));
        a.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                a.toArray(new String[0]));
        assertThat(code).as("limbo snapshot: %s", err.toString(StandardCharsets.UTF_8)).isZero();
        return code;
    }

    @Test
    void readTimeoutBoundsABlockedReadAndTheSnapshotKeepsIt(@TempDir Path dir) {
        Fixture f = Fixture.start("mmap-lock-held");
        try (f) {
            int v = f.pid("victim");
            Limbo quick = Limbo.scan("--samples", "1", "--read-timeout", "300ms");
            JsonNode b = Limbo.the(quick.findingsAbout(f), "proc-read-blocked", v);
            assertThat(Limbo.evidence(b, "/" + v + "/cmdline")).as("evidence of %s", b).isNotEmpty();

            // The option is honoured: 3 s is waited for before the read is given up on.
            Limbo patient = Limbo.scan("--samples", "1", "--read-timeout", "3s");
            Limbo.the(patient.findingsAbout(f), "proc-read-blocked", v);
            assertThat(patient.took).as("scan with --read-timeout 3s").isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            assertThat(quick.took).as("scan with --read-timeout 300ms").isLessThan(patient.took);

            // The snapshot leaves a <path>.limbo-timed-out marker; a scan of it reports the read.
            Path snap = dir.resolve("held.tar.gz");
            snapshot(snap, "--samples", "1", "--read-timeout", "300ms");
            Limbo saved = Limbo.run("scan", "--proc-root", snap.toString(), "--format", "json");
            JsonNode s = Limbo.the(saved.findingsAbout(f), "proc-read-blocked", v);
            assertThat(s.path("severity").asText()).isEqualTo(b.path("severity").asText());
            assertThat(about(saved, f)).as("findings of the snapshot").isEqualTo(about(quick, f));
        }
        assertReleasedCleanly(f);
    }

    @Test
    void aSnapshotOfTheFoundingCaseScansToTheLiveFindings(@TempDir Path dir) {
        Fixture f = Fixture.start("fuse-stuck", "--mode", "flush");
        try (f) {
            int v = f.pid("victim"), t = f.tid("stuck");
            Limbo live = Limbo.scan();
            Path snap = dir.resolve("founding.tar.gz");
            snapshot(snap, "--read-timeout", Limbo.PATIENT_READS);
            Limbo saved = Limbo.run("scan", "--proc-root", snap.toString(), "--format", "json");
            assertThat(about(saved, f)).as("findings about the fixture, saved vs live").isNotEmpty().isEqualTo(about(live, f));
            JsonNode z = Limbo.the(saved.findingsAbout(f), "zombie-leader-stuck-thread", v);
            assertThat(Limbo.tids(z)).containsExactly(t);
            assertThat(Limbo.evidence(z, "/task/" + t + "/stack")).as("stack evidence in the snapshot")
                    .anyMatch(l -> l.contains("request_wait_answer+"));
        }
        assertReleasedCleanly(f);
    }
}
