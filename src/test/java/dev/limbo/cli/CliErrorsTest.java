package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.procfs.Archive;
import dev.limbo.procfs.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whatever is wrong with the input: one clear line on stderr, exit 3, never a stack trace. */
class CliErrorsTest {
    @TempDir
    Path tmp;

    static String seed() {
        return Fixtures.caseRoot("seed/proc").toString();
    }

    /** The error line itself, plus at most picocli's "Try 'limbo ... --help'." hint. */
    static void assertOneLineError(Limbo r, String... mentions) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("internal error");
        // picocli's suggestions for a mistyped name ("Did you mean: ...") may come between the two
        List<String> lines = r.errLines().stream().filter(l -> !l.startsWith("Did you mean")).toList();
        assertThat(lines).isNotEmpty().hasSizeLessThanOrEqualTo(2);
        assertThat(lines.get(0)).startsWith("limbo: ").contains(mentions);
        if (lines.size() == 2) {
            assertThat(lines.get(1)).startsWith("Try 'limbo");
        }
    }

    /** Errors found after parsing (roots, archives, values): exactly one line. */
    static void assertSingleLine(Limbo r, String... mentions) {
        assertOneLineError(r, mentions);
        assertThat(r.errLines()).hasSize(1);
    }

    @Test
    void unknownOptionAndCommand() {
        assertOneLineError(Limbo.run("scan", "--bogus"), "--bogus");
        assertOneLineError(Limbo.run("frobnicate"), "frobnicate");
        Limbo typo = Limbo.run("scna");
        assertOneLineError(typo, "scna");
        assertThat(typo.err()).contains("Did you mean: limbo scan");
        assertThat(Limbo.run("scan", "--proc-rot", seed()).err()).contains("--proc-root");
    }

    @Test
    void badOptionValues() {
        assertSingleLine(Limbo.run("scan", "--proc-root", seed(), "--format", "xml"), "--format", "xml");
        assertSingleLine(Limbo.run("scan", "--proc-root", seed(), "--lang", "fr"), "--lang");
        assertSingleLine(Limbo.run("scan", "--proc-root", seed(), "--samples", "0"), "--samples");
        assertSingleLine(Limbo.run("scan", "--proc-root", seed(), "--zombie-threshold", "0"), "--zombie-threshold");
        assertOneLineError(Limbo.run("scan", "--proc-root", seed(), "--interval", "soon"), "soon");
        assertOneLineError(Limbo.run("scan", "--proc-root", seed(), "--samples", "many"), "many");
        assertOneLineError(Limbo.run("scan", "--proc-root"), "--proc-root");
    }

    @Test
    void explainWithoutOrWithABadPid() {
        assertOneLineError(Limbo.run("explain", "--proc-root", seed()), "PID");
        assertSingleLine(Limbo.run("explain", "abc", "--proc-root", seed()), "not a pid");
        assertSingleLine(Limbo.run("explain", "0", "--proc-root", seed()), "not a pid");
        assertSingleLine(Limbo.run("explain", "4242", "--proc-root", seed()), "4242");
    }

    @Test
    void unknownRule() {
        assertSingleLine(Limbo.run("rules", "no-such-rule"), "no-such-rule");
    }

    @Test
    void missingRoot() {
        assertSingleLine(Limbo.run("scan", "--proc-root", tmp.resolve("nowhere").toString()), "not found");
        assertSingleLine(Limbo.run("explain", "1", "--proc-root", tmp.resolve("nowhere").toString()), "not found");
    }

    @Test
    void directoryThatIsNotAProcfs() throws Exception {
        Files.writeString(tmp.resolve("hello.txt"), "hi\n");
        Files.createDirectories(tmp.resolve("etc"));
        assertSingleLine(Limbo.run("scan", "--proc-root", tmp.toString()), "not a procfs root");
    }

    @Test
    void emptyDirectoryAndEmptySnapshot() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertSingleLine(Limbo.run("scan", "--proc-root", empty.toString()), "not a procfs root");
        Files.createDirectories(tmp.resolve("snap/samples"));
        assertSingleLine(Limbo.run("scan", "--proc-root", tmp.resolve("snap").toString()), "no samples");
    }

    @Test
    void regularFileThatIsNotAnArchive() throws Exception {
        Path f = Files.writeString(tmp.resolve("notes.txt"), "1 (x) S 0\n");
        assertSingleLine(Limbo.run("scan", "--proc-root", f.toString()), "not a procfs root");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 10, 513, 4096})
    void corruptTarGz(int size) throws Exception {
        byte[] junk = new byte[size];
        new Random(size).nextBytes(junk);
        Path f = Files.write(tmp.resolve("junk.tar.gz"), junk);
        assertSingleLine(Limbo.run("scan", "--proc-root", f.toString(), "--format", "json"), "snapshot");
    }

    @Test
    void gzipThatHoldsNoTar() throws Exception {
        Path f = tmp.resolve("text.tar.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write("this is not a tar archive, just words\n".repeat(40).getBytes(StandardCharsets.UTF_8));
        }
        assertSingleLine(Limbo.run("scan", "--proc-root", f.toString()), "corrupt snapshot");
    }

    @Test
    void truncatedTarGz() throws Exception {
        byte[] whole = seedArchive();
        for (int cut : new int[] {whole.length / 2, whole.length - 30, 20}) {
            Path f = Files.write(tmp.resolve("cut" + cut + ".tar.gz"), Arrays.copyOf(whole, cut));
            assertSingleLine(Limbo.run("scan", "--proc-root", f.toString()), "snapshot");
        }
    }

    @Test
    void archiveEntryEscapingTheRoot() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (Archive.Writer w = new Archive.Writer(b)) {
            w.file("samples/0/uptime", "1.0 1.0\n".getBytes(StandardCharsets.UTF_8));
            w.file("../../evil", "x".getBytes(StandardCharsets.UTF_8));
        }
        Path f = Files.write(tmp.resolve("evil.tar.gz"), b.toByteArray());
        assertSingleLine(Limbo.run("scan", "--proc-root", f.toString()), "refused", "'..'");
        assertThat(tmp.getParent().resolve("evil")).doesNotExist();
    }

    @Test
    void snapshotArguments() {
        assertSingleLine(Limbo.run("snapshot", "-o", tmp.resolve("x.txt").toString()), ".tar.gz");
        assertSingleLine(Limbo.run("snapshot", "-o", tmp.resolve("no/such/dir/x.tar.gz").toString()), "no such directory");
        assertSingleLine(Limbo.run("snapshot", "-o", tmp.resolve("x.tar.gz").toString(), "--proc-root", seed()), "live");
        assertOneLineError(Limbo.run("snapshot"), "-o");
        assertThat(tmp.resolve("x.tar.gz")).doesNotExist();
    }

    /** The founding case as a one-sample snapshot archive. */
    static byte[] seedArchive() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Path root = Fixtures.caseRoot("seed/proc");
        try (Archive.Writer w = new Archive.Writer(b); var files = Files.walk(root)) {
            for (Path p : files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                w.file("samples/0/" + root.relativize(p), Files.readAllBytes(p));
            }
        }
        return b.toByteArray();
    }
}
