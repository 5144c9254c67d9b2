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

/** The snapshot archive format at the Archive level: write, read into memory, compare. */
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
        ArchiveTree out = Archive.read(tgz);
        assertThat(out.isDirectory("samples/0")).isTrue();
        assertThat(text(out, "samples/0/uptime")).isEqualTo("5000.00 8500.00\n");
        assertThat(text(out, "samples/0/22889/status")).isEqualTo(Fixtures.text("cases/seed/proc/22889/status"));
        assertThat(out.file("samples/0/empty")).isEmpty();
        assertThat(out.file("samples/0/block")).isEqualTo(new byte[512]);
        assertThat(text(out, "samples/0/utf8 name é")).isEqualTo("comm a) b\n");
        assertThat(text(out, LONG_NAME)).isEqualTo("Name:\tlong\n");
        assertThat(out.link("samples/0/22889/fd/3")).isEqualTo("/dev/vhost-net");
        assertThat(out.link("samples/0/22889/fd/4")).isEqualTo("anon_inode:[eventfd]");
        assertThat(out.link("samples/0/22889/fd/5")).isEqualTo(LONG_TARGET);
        assertThat(out.list("samples/0/22889/fd")).containsExactlyInAnyOrder("3", "4", "5");
        // the reader sees links without following them
        ProcRoot root = ProcRoot.ofArchive(out, "x.tar.gz").sub("samples/0", "/proc");
        assertThat(root.read("22889/status").text()).isEqualTo(Fixtures.text("cases/seed/proc/22889/status"));
        assertThat(root.read("22889/fd/3").ok()).isFalse();
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
        for (int cut : new int[] {10, whole.length / 3, whole.length * 2 / 3}) {
            Path f = Files.write(tmp.resolve("cut" + cut + ".tar.gz"), Arrays.copyOf(whole, cut));
            assertThatThrownBy(() -> Archive.read(f)).as("cut at %d", cut)
                    .isInstanceOf(Archive.CorruptArchiveException.class);
        }
        Path junk = Files.write(tmp.resolve("junk.tar.gz"), "hello".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Archive.read(junk)).isInstanceOf(Archive.CorruptArchiveException.class);
        // a valid gzip around a header with a bad checksum
        byte[] tar = new byte[1024];
        Arrays.fill(tar, 0, 100, (byte) 'a');
        Path bad = tmp.resolve("bad.tar.gz");
        try (OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(bad))) {
            o.write(tar);
        }
        assertThatThrownBy(() -> Archive.read(bad)).isInstanceOf(Archive.CorruptArchiveException.class);
    }

    @Test
    void emptyArchiveHoldsNothing() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new Archive.Writer(b).close();
        Path f = Files.write(tmp.resolve("empty.tar.gz"), b.toByteArray());
        ArchiveTree out = Archive.read(f);
        assertThat(out.list("")).isEmpty();
        assertThat(out.fileCount() + out.linkCount()).isZero();
    }

    static String text(ArchiveTree t, String path) {
        return new String(t.file(path), StandardCharsets.UTF_8);
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
