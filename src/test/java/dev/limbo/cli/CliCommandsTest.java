package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.procfs.Archive;
import dev.limbo.procfs.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SPEC_RULES = List.of(
            "zombie-leader-stuck-thread", "zombie-leader-live-threads", "unreaped-zombie", "zombie-init-not-reaping",
            "traced-zombie", "zombie-accumulation", "hung-task", "stuck-in-exit", "killable-wait", "proc-read-blocked");

    @Test
    void rulesListsTheTenRules() {
        Limbo r = Limbo.run("rules");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> ids = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            String first = line.split("\\s+")[0];
            if (SPEC_RULES.contains(first)) {
                ids.add(first);
                assertThat(line).containsAnyOf("CRITICAL", "WARNING", "INFO");
            }
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(SPEC_RULES);
        assertThat(r.out()).contains("zombie-leader-stuck-thread   CRITICAL", "zombie-leader-live-threads   INFO");
    }

    @Test
    void rulesIdPrintsItsPage() {
        for (String id : SPEC_RULES) {
            Limbo r = Limbo.run("rules", id);
            assertThat(r.code()).as(id).isZero();
            assertThat(r.out()).as(id).contains(id).hasSizeGreaterThan(id.length() + 10);
        }
    }

    @Test
    void helpAndVersion() {
        Limbo help = Limbo.run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("scan", "explain", "snapshot", "rules");
        Limbo version = Limbo.run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("limbo ");
        assertThat(Limbo.run("scan", "--help").out()).contains("--proc-root", "--format", "--samples", "--interval", "--lang");
    }

    @Test
    void exitCodesFollowTheWorstFinding() {
        assertThat(Limbo.run("scan", "--proc-root", Fixtures.caseRoot("kthreads-idle").toString()).code()).isZero();
        assertThat(Limbo.run("scan", "--proc-root", Fixtures.caseRoot("pthread-exit").toString()).code()).isZero();
        assertThat(Limbo.run("scan", "--proc-root", Fixtures.caseRoot("unreaped").toString()).code()).isEqualTo(1);
        assertThat(Limbo.run("scan", "--proc-root", Fixtures.caseRoot("hung-stuck").toString()).code()).isEqualTo(2);
        assertThat(Limbo.run("explain", "19518", "--proc-root", Fixtures.caseRoot("unreaped").toString()).code()).isZero();
        assertThat(Limbo.run("explain", "19519", "--proc-root", Fixtures.caseRoot("unreaped").toString()).code()).isEqualTo(1);
    }

    @Test
    void jsonOfAHealthyTree() throws Exception {
        Limbo r = Limbo.run("scan", "--proc-root", Fixtures.caseRoot("kthreads-idle").toString(), "--format", "json");
        JsonNode n = JSON.readTree(r.out());
        assertThat(n.get("schema").asText()).isEqualTo("limbo/v1");
        assertThat(n.get("findings")).isEmpty();
        assertThat(n.get("summary").get("processes").asInt()).isEqualTo(2);
        assertThat(n.get("summary").get("findings").get("WARNING").asInt()).isZero();
    }

    @Test
    void zombieThresholdOption() throws Exception {
        String root = Fixtures.caseRoot("unreaped").toString();
        JsonNode n = JSON.readTree(Limbo.run("scan", "--proc-root", root, "--format", "json", "--zombie-threshold", "1").out());
        assertThat(n.get("findings").get(0).get("rule").asText()).isEqualTo("zombie-accumulation");
    }

    /** A snapshot archive (multi-sample) scans like the directory it was made from. */
    @Test
    void snapshotArchiveScansLikeItsDirectory(@TempDir Path tmp) throws Exception {
        for (String c : new String[] {"hung-stuck", "leader-stuck-fuse-stuck", "unreaped-then-reaped"}) {
            Path dir = Fixtures.caseRoot(c);
            Path tgz = tmp.resolve(c + ".tar.gz");
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (Archive.Writer w = new Archive.Writer(b); var files = Files.walk(dir)) {
                for (Path p : files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                    w.file(dir.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
            Files.write(tgz, b.toByteArray());
            Limbo fromDir = Limbo.run("scan", "--proc-root", dir.toString(), "--format", "json");
            Limbo fromTgz = Limbo.run("scan", "--proc-root", tgz.toString(), "--format", "json");
            assertThat(fromTgz.code()).as(c).isEqualTo(fromDir.code());
            assertThat(shape(fromTgz.out())).as(c).isEqualTo(shape(fromDir.out()));
        }
    }

    /** Rule, severity, pid, tids and progress of every finding: what must survive the archive. */
    static List<String> shape(String json) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode f : JSON.readTree(json).get("findings")) {
            out.add(f.get("rule").asText() + " " + f.get("severity").asText() + " " + f.get("pid").asInt() + " "
                    + f.get("tids") + " " + f.path("progress").asText());
        }
        return out;
    }
}
