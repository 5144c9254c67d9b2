package dev.limbo.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot archive format at the Archive level: write, extract, compare. */
class ArchiveTest {
    @TempDir
    Path tmp;

    static final String LONG_NAME = "samples/0/" + "1234567/task/".repeat(9) + "status";
    static final String LONG_TARGET = "/mnt/" + "very-long-directory-name/".repeat(6) + "file";

    byte[] write() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (Archive.Writer w = new Archive.Writer(b)) {
            w.directory("samples/0");
            w.file("samples/0/uptime", "5000.00 8500.00\n".getBytes(StandardCharsets.UTF_8));
            w.file("samples/0/22889/status", Fixtures.text("cases/seed/proc/22889/status").getBytes(StandardCharsets.UTF_8));
            w.file("samples/0/empty", new byte[0]);
            w.file("samples/0/block", new byte[512]);
            w.file("samples/0/utf8 name é", "comm a) b\n".getBytes(StandardCharsets.UTF_8));
            w.file(LONG_NAME, "Name:\tlong\n".getBytes(StandardCharsets.UTF_8));
            w.symlink("samples/0/22889/fd/3", "/dev/vhost-net");
            w.symlink("samples/0/22889/fd/4", "anon_inode:[eventfd]");
            w.symlink("samples/0/22889/fd/5", LONG_TARGET);
        }
        return b.toByteArray();
    }

    @Test
    void roundTrip() throws Exception {
        assertThat(LONG_NAME.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(100);
        assertThat(LONG_TARGET.length()).isGreaterThan(100);
        Path tgz = Files.write(tmp.resolve("s.tar.gz"), write());
        Path out = Files.createDirectories(tmp.resolve("out"));
        Archive.extract(tgz, out);
        assertThat(out.resolve("samples/0")).isDirectory();
        assertThat(out.resolve("samples/0/uptime")).hasContent("5000.00 8500.00");
        assertThat(Files.readString(out.resolve("samples/0/22889/status")))
                .isEqualTo(Fixtures.text("cases/seed/proc/22889/status"));
        assertThat(Files.size(out.resolve("samples/0/empty"))).isZero();
        assertThat(Files.readAllBytes(out.resolve("samples/0/block"))).isEqualTo(new byte[512]);
        assertThat(out.resolve("samples/0/utf8 name é")).hasContent("comm a) b");
        assertThat(out.resolve(LONG_NAME)).hasContent("Name:\tlong");
        assertThat(Files.readSymbolicLink(out.resolve("samples/0/22889/fd/3"))).isEqualTo(Path.of("/dev/vhost-net"));
        assertThat(Files.readSymbolicLink(out.resolve("samples/0/22889/fd/4")).toString()).isEqualTo("anon_inode:[eventfd]");
        assertThat(Files.readSymbolicLink(out.resolve("samples/0/22889/fd/5")).toString()).isEqualTo(LONG_TARGET);
        // the reader sees links without following them
        ProcRoot root = ProcRoot.of(out.resolve("samples/0"), "/proc");
        assertThat(root.readLink("22889/fd/5")).isEqualTo(LONG_TARGET);
        assertThat(root.readLink("22889/fd/9")).isNull();
    }

    @Test
    void systemTarReadsWhatTheWriterWrote() throws Exception {
        dev.limbo.testing.Prerequisites.require(dev.limbo.testing.Prerequisites.onPath("tar"), "no tar on PATH");
        Path tgz = Files.write(tmp.resolve("s.tar.gz"), write());
        Process p = new ProcessBuilder("tar", "-tzvf", tgz.toString()).redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("tar finished").isTrue();
        assertThat(p.exitValue()).as(listing).isZero();
        assertThat(listing).contains(LONG_NAME, "samples/0/22889/fd/5 -> " + LONG_TARGET, "-rw-------");
    }

    @Test
    void truncatedAndCorruptAreCorruptArchiveExceptions() throws Exception {
        byte[] whole = write();
        Path out = Files.createDirectories(tmp.resolve("out"));
        for (int cut : new int[] {10, whole.length / 3, whole.length * 2 / 3}) {
            Path f = Files.write(tmp.resolve("cut" + cut + ".tar.gz"), Arrays.copyOf(whole, cut));
            assertThatThrownBy(() -> Archive.extract(f, out)).as("cut at %d", cut)
                    .isInstanceOf(Archive.CorruptArchiveException.class);
        }
        Path junk = Files.write(tmp.resolve("junk.tar.gz"), "hello".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Archive.extract(junk, out)).isInstanceOf(Archive.CorruptArchiveException.class);
        // a valid gzip around a header with a bad checksum
        byte[] tar = new byte[1024];
        Arrays.fill(tar, 0, 100, (byte) 'a');
        Path bad = tmp.resolve("bad.tar.gz");
        try (OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(bad))) {
            o.write(tar);
        }
        assertThatThrownBy(() -> Archive.extract(bad, out)).isInstanceOf(Archive.CorruptArchiveException.class);
    }

    @Test
    void emptyArchiveExtractsNothing() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new Archive.Writer(b).close();
        Path f = Files.write(tmp.resolve("empty.tar.gz"), b.toByteArray());
        Path out = Files.createDirectories(tmp.resolve("out"));
        Archive.extract(f, out);
        try (var s = Files.list(out)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void forbiddenFilesAreNeverRead() {
        ProcRoot root = ProcRoot.of(Fixtures.caseRoot("seed/proc"), "/proc");
        for (String f : new String[] {"22889/environ", "22889/mem", "22889/maps", "22889/smaps", "22889/smaps_rollup",
            "22889/task/22976/environ", "22889/pagemap", "22889/numa_maps"}) {
            assertThatThrownBy(() -> root.read(f)).as(f).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(root.read("22889/nothing").absence()).isEqualTo(Read.Absence.MISSING);
        assertThat(root.read("22889/status").ok()).isTrue();
        assertThat(root.read("22889/status").path()).isEqualTo("/proc/22889/status");
    }
}
