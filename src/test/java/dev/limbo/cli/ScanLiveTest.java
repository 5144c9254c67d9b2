package dev.limbo.cli;

import static dev.limbo.cli.LiveScanTestSupport.limbo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.limbo.fixtures.Fixture;
import dev.limbo.fixtures.NativeFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** limbo scan against this machine's live /proc. */
@Tag("live")
class ScanLiveTest {

    @Test
    void scanOfThisHostFinishesWithoutCriticalFindingsOnAnIdleMachine() {
        long t0 = System.nanoTime();
        LiveScanTestSupport.Run run = limbo("scan", "--format", "json");
        double seconds = (System.nanoTime() - t0) / 1e9;
        JsonNode json = run.json();
        assertThat(json.path("schema").asText()).isEqualTo("limbo/v1");
        assertThat(json.path("host").path("procRoot").asText()).isEqualTo("/proc");
        assertThat(json.path("summary").path("processes").asInt()).isGreaterThan(1);
        assertThat(json.path("summary").path("tasks").asInt()).isGreaterThanOrEqualTo(json.path("summary").path("processes").asInt());
        // Fixtures held by other tests (children of native-fixtures/bin/guard) are not the host's.
        List<String> critical = new ArrayList<>();
        for (JsonNode f : json.path("findings")) {
            if (f.path("severity").asText().equals("CRITICAL") && !underGuard(f.path("pid").asInt())) {
                critical.add(f.path("rule").asText() + " " + f.path("pid").asInt() + " " + f.path("comm").asText());
            }
        }
        assertThat(critical).as("CRITICAL findings on this host").isEmpty();
        // Other tests' fixtures on this shared host may be CRITICAL: the exit code follows the findings.
        boolean anyCritical = false;
        for (JsonNode f : json.path("findings")) {
            anyCritical |= f.path("severity").asText().equals("CRITICAL");
        }
        assertThat(run.code()).isEqualTo(anyCritical ? 2 : run.code() == 1 ? 1 : 0);
        assertThat(seconds).as("scan wall time").isLessThan(20);
    }

    @Test
    void snapshotOfAHeldSituationScansToTheSameFindings(@TempDir Path dir) throws Exception {
        NativeFixtures.assumeLive();
        try (Fixture fx = Fixture.start("unreaped-zombie")) {
            LiveScanTestSupport.Run live = limbo("scan", "--format", "json");
            Path snap = dir.resolve("snap.tar.gz");
            LiveScanTestSupport.Run taken = limbo("snapshot", "-o", snap.toString());
            assertThat(taken.code()).as(taken.err()).isZero();
            assertThat(Files.getPosixFilePermissions(snap)).extracting(Object::toString)
                    .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
            LiveScanTestSupport.Run saved = limbo("scan", "--proc-root", snap.toString(), "--format", "json");
            assertThat(findingsOf(saved.json(), fx.allIds())).isNotEmpty().isEqualTo(findingsOf(live.json(), fx.allIds()));
            assertThat(saved.code()).as("unreaped-zombie is a WARNING").isGreaterThanOrEqualTo(1);
        }
    }

    /** Whether a process descends from a fixture guard (read from /proc/PID/stat, parent by parent). */
    static boolean underGuard(int pid) {
        for (int i = 0; i < 64 && pid > 1; i++) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                // Another test JVM on a shared developer machine holds fixtures (or reads stuck on them).
                if (comm.equals("guard") || (comm.equals("java") && pid != ProcessHandle.current().pid()
                        && Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline")).contains("surefire"))) {
                    return true;
                }
                pid = Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
            } catch (Exception e) {
                return false;
            }
        }
        return false;
    }

    /** rule/severity/pid/tids of the findings about the fixture's processes. */
    static List<String> findingsOf(JsonNode json, java.util.Set<Integer> ids) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : json.path("findings")) {
            if (ids.contains(f.path("pid").asInt())) {
                out.add(f.path("rule").asText() + "/" + f.path("severity").asText() + "/" + f.path("pid").asInt() + "/" + f.path("tids"));
            }
        }
        out.sort(null);
        return out;
    }
}
