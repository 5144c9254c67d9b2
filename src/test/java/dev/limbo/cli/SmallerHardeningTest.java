package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.procfs.Archive;
import dev.limbo.procfs.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12, item 10: the smaller ones, each through the CLI. */
class SmallerHardeningTest {
    @TempDir
    Path tmp;

    /** A snapshot of three samples, each recording that the zombie's cmdline read blocked. */
    @Test
    void aReadThatBlockedInEverySampleIsOneFinding() throws Exception {
        Path root = Fixtures.caseRoot("unreaped");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (Archive.Writer w = new Archive.Writer(b); Stream<Path> s = Files.walk(root)) {
            List<Path> files = s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
            for (int i = 0; i < 3; i++) {
                for (Path p : files) {
                    w.file("samples/" + i + "/" + root.relativize(p), Files.readAllBytes(p));
                }
                w.file("samples/" + i + "/19519/cmdline.limbo-timed-out", "600".getBytes(StandardCharsets.US_ASCII));
            }
        }
        Path f = Files.write(tmp.resolve("blocked.tar.gz"), b.toByteArray());
        Limbo r = Limbo.run("scan", "--proc-root", f.toString(), "--format", "json");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        int count = r.out().split("\"rule\" : \"proc-read-blocked\"", -1).length - 1;
        assertThat(count).as(r.out()).isEqualTo(1);
    }

    @Test
    void eventsToAPlaceThatCannotBeWrittenIsRefusedAtStartWithTheReason() {
        Limbo r = Limbo.run("watch", "--events", "/nonexistent/e.ndjson", "--listen", "off", "--duration", "1s",
                "--proc-root", CliErrorsTest.seed());
        CliErrorsTest.assertSingleLine(r, "cannot write events to /nonexistent/e.ndjson: No such file or directory");
        Limbo dir = Limbo.run("watch", "--events", tmp.toString(), "--listen", "off", "--duration", "1s",
                "--proc-root", CliErrorsTest.seed());
        CliErrorsTest.assertSingleLine(dir, "cannot write events to " + tmp + ": it is a directory");
        Limbo once = Limbo.run("watch", "--once", "--events", "/nonexistent/e.ndjson", "--proc-root", CliErrorsTest.seed());
        CliErrorsTest.assertSingleLine(once, "No such file or directory");
    }

    @Test
    void aListenAddressThatDoesNotParseIsRefusedEvenWithOnce() {
        for (String bad : new String[] {"[::1", "[]:9977", "[::1]]:0", "[[::1]:0"}) {
            CliErrorsTest.assertSingleLine(Limbo.run("watch", "--once", "--listen", bad, "--proc-root", CliErrorsTest.seed()), "--listen");
            CliErrorsTest.assertSingleLine(Limbo.run("watch", "--listen", bad, "--duration", "1s", "--proc-root", CliErrorsTest.seed()), "--listen");
        }
    }

    @Test
    void aRuleBothIncludedAndExcludedIsRefused() {
        CliErrorsTest.assertSingleLine(Limbo.run("watch", "--once", "--rules=hung-task,-hung-task", "--proc-root", CliErrorsTest.seed()),
                "'hung-task' is both included and excluded");
        Limbo check = Limbo.run("check", "--rules", "hung-task", "--rules=-hung-task", "--proc-root", CliErrorsTest.seed());
        assertThat(check.code()).isEqualTo(3);
        assertThat(check.out()).contains("'hung-task' is both included and excluded");
    }
}
