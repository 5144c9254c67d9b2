package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.procfs.Fixtures;
import dev.limbo.procfs.Tars;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots and saved trees handed to limbo by someone else (issue 12, items 1-3): nothing is
 * written, no link is followed out of the tree, no FIFO or device is opened, and what is too big
 * is refused with the reason (exit 3). Each case is bounded in time by its {@code @Timeout}.
 */
class HostileRootsTest {
    static final String SECRET = "SECRET-7f3a9c-not-for-output";

    @TempDir
    Path tmp;

    /** The "unreaped" case (zombie 19519, parent 19518) as tar entries, plus extra entries. */
    static byte[] unreapedTar(byte[]... extra) throws IOException {
        Path root = Fixtures.caseRoot("unreaped");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                b.writeBytes(Tars.entry("samples/0/" + root.relativize(p), '0', Files.readAllBytes(p), ""));
            }
        }
        for (byte[] e : extra) {
            b.writeBytes(e);
        }
        return b.toByteArray();
    }

    Path archive(String name, byte[] tar) throws IOException {
        Path f = tmp.resolve(name);
        try (Tars t = new Tars(f)) {
            t.member(tar).end();
        }
        return f;
    }

    /** A copy of the "unreaped" case as a directory. */
    Path unreapedTree() throws IOException {
        Path root = Fixtures.caseRoot("unreaped");
        Path dir = tmp.resolve("tree");
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(all::add);
        }
        for (Path p : all) {
            Path d = dir.resolve(root.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(d);
            } else {
                Files.copy(p, d);
            }
        }
        return dir;
    }

    Path secretFile() throws IOException {
        Path secret = Files.createDirectories(tmp.resolve("elsewhere")).resolve("shadow");
        Files.writeString(secret, SECRET + "\n");
        return secret;
    }

    static void assertNoSecret(Limbo r) {
        assertThat(r.code()).as(r.err()).isBetween(0, 3);
        assertThat(r.out() + r.err()).doesNotContain(SECRET).doesNotContain("\u0000").doesNotContain("internal error");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSnapshotNeverWritesOutsideItself() throws Exception {
        Path victim = Files.writeString(tmp.resolve("victim"), "ORIGINAL\n");
        Path victimDir = Files.createDirectories(tmp.resolve("victim-dir"));
        // the ../ link climbs from samples/0 to / and then down to the victim's directory
        String up = "../".repeat(2 + tmp.getNameCount()) + tmp.toString().substring(1) + "/victim-dir";
        Path evil = archive("evil.tar.gz", unreapedTar(
                Tars.symlink("samples/0/x", victim.toString()),
                Tars.file("samples/0/x", "PWNED\n"),
                Tars.symlink("samples/0/d", victimDir.toString()),
                Tars.file("samples/0/d/pwned", "PWNED\n"),
                Tars.symlink("samples/0/up", up),
                Tars.file("samples/0/up/pwned-rel", "PWNED\n")));
        List<String> tmpBefore = limboTempDirs();
        Limbo r = Limbo.run("scan", "--proc-root", evil.toString(), "--format", "json");
        assertThat(r.code()).as(r.err()).isEqualTo(1); // the unreaped zombie: still diagnosed
        assertThat(victim).hasContent("ORIGINAL");
        try (Stream<Path> s = Files.list(victimDir)) {
            assertThat(s).isEmpty();
        }
        assertThat(limboTempDirs()).isEqualTo(tmpBefore);
    }

    static List<String> limboTempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("limbo-snapshot-")).sorted().toList();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCmdlineLinkInASnapshotIsNotFollowed() throws Exception {
        Path secret = secretFile();
        for (String target : new String[] {secret.toString(), "/dev/zero", "/dev/urandom", "/etc/shadow"}) {
            Path f = archive("link.tar.gz", unreapedTar(Tars.symlink("samples/0/19519/cmdline", target),
                    Tars.symlink("samples/0/19519/stack", target)));
            for (String format : new String[] {"text", "json"}) {
                Limbo r = Limbo.run("explain", "19519", "--proc-root", f.toString(), "--format", format);
                assertNoSecret(r);
                assertThat(r.code()).as(target + " " + format + ": " + r.err()).isEqualTo(1);
                if (target.equals("/etc/shadow") && Files.isReadable(Path.of(target))) {
                    assertThat(r.out()).doesNotContain("root:");
                }
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aLinkInASavedTreeIsNotFollowed() throws Exception {
        Path secret = secretFile();
        Path dir = unreapedTree();
        Path cmdline = dir.resolve("19519/cmdline");
        Path stack = dir.resolve("19519/stack");
        Files.delete(stack);
        // a pid directory that is a link (to limbo's own /proc entry) and host facts from the live host
        Files.createSymbolicLink(dir.resolve("99999"), Path.of("/proc/self"));
        Files.createDirectories(dir.resolve("19518/task"));
        Files.createSymbolicLink(dir.resolve("19518/task/19518"), Path.of("/proc/1/task/1"));
        Files.delete(dir.resolve("uptime"));
        Files.createSymbolicLink(dir.resolve("uptime"), Path.of("/proc/uptime"));
        for (String target : new String[] {secret.toString(), "/dev/zero", "/dev/urandom", "/etc/shadow",
            "../19518/status"}) {
            Files.deleteIfExists(cmdline);
            Files.createSymbolicLink(cmdline, Path.of(target));
            Files.deleteIfExists(stack);
            Files.createSymbolicLink(stack, Path.of(target));
            for (String format : new String[] {"text", "json"}) {
                Limbo r = Limbo.run("explain", "19519", "--proc-root", dir.toString(), "--format", format);
                assertNoSecret(r);
                assertThat(r.code()).as(target + " " + format + ": " + r.err()).isEqualTo(1);
                if (format.equals("json")) {
                    assertThat(r.out()).doesNotContain("\"pid\" : 99999").doesNotContain("java");
                }
            }
        }
        Limbo scan = Limbo.run("scan", "--proc-root", dir.toString(), "--format", "json");
        assertThat(scan.code()).isEqualTo(1);
        // 19518 and 19519 only: the linked 99999 is not a process of this tree
        assertThat(scan.out()).contains("\"processes\" : 2");
    }

    /**
     * FIFOs where limbo reads (cmdline, stack, status) and where it never reads (environ, maps,
     * mem), and a character device: none is opened. Opening any of these FIFOs would block until
     * the read timeout (10 s here) and add a proc-read-blocked finding.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void fifosAndDevicesInASavedTreeAreNeverOpened() throws Exception {
        Path dir = unreapedTree();
        List<Path> fifos = new ArrayList<>();
        for (String rel : new String[] {"19519/cmdline", "19519/environ", "19519/maps", "19519/mem", "19519/stack",
            "19518/cmdline", "19518/status", "loadavg"}) {
            Path p = dir.resolve(rel);
            Files.deleteIfExists(p);
            Process mk = new ProcessBuilder("mkfifo", p.toString()).start();
            assertThat(mk.waitFor(5, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mkfifo " + p).isTrue();
            fifos.add(p);
        }
        Path dev = dir.resolve("19519/wchan");
        Files.delete(dev);
        Process mk = new ProcessBuilder("mknod", dev.toString(), "c", "1", "5").start(); // /dev/zero
        assertThat(mk.waitFor(5, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mknod (root)").isTrue();
        try {
            long t0 = System.nanoTime();
            Limbo scan = Limbo.run("scan", "--proc-root", dir.toString(), "--format", "json");
            Limbo explain = Limbo.run("explain", "19519", "--proc-root", dir.toString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(scan.code()).as(scan.err()).isEqualTo(1);
            assertThat(scan.out()).doesNotContain("proc-read-blocked").contains("unreaped-zombie");
            assertThat(explain.code()).as(explain.err()).isEqualTo(1);
            assertThat(explain.out()).doesNotContain("blocked").doesNotContain("\u0000");
            assertThat(ms).as("no read waited for a FIFO").isLessThan(9_000);
        } finally {
            // had one been opened, its reader would still wait: a writer that opens and closes ends it
            for (Path p : fifos) {
                try (RandomAccessFile w = new RandomAccessFile(p.toFile(), "rw")) {
                    w.getFD();
                }
            }
        }
    }

    @Test
    void tooLargeAndRefusedSnapshotsExitThreeWithTheReason() throws Exception {
        Path bomb = Tars.bombOneFile(tmp.resolve("bomb.tar.gz"));
        long t0 = System.nanoTime();
        Limbo r = Limbo.run("scan", "--proc-root", bomb.toString());
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
        CliErrorsTest.assertSingleLine(r, "limbo: snapshot too large: " + bomb, "3221225472 bytes");
        Path hard = archive("hard.tar.gz", unreapedTar(Tars.entry("samples/0/19519/cmdline", '1', new byte[0], "/etc/shadow")));
        CliErrorsTest.assertSingleLine(Limbo.run("explain", "19519", "--proc-root", hard.toString()),
                "refused snapshot", "hard link entry 'samples/0/19519/cmdline'");
        Path dev = archive("dev.tar.gz", unreapedTar(Tars.entry("samples/0/19519/cmdline", '3', new byte[0], "")));
        CliErrorsTest.assertSingleLine(Limbo.run("scan", "--proc-root", dev.toString()), "refused snapshot", "character device");
        Path abs = archive("abs.tar.gz", unreapedTar(Tars.file("/etc/cron.d/limbo-evil", "* * * * * root true\n")));
        CliErrorsTest.assertSingleLine(Limbo.run("scan", "--proc-root", abs.toString()), "refused snapshot", "absolute name");
        assertThat(Path.of("/etc/cron.d/limbo-evil")).doesNotExist();
    }

    @Test
    void aProcessDirectoryOfTheLiveProcIsNotARoot() {
        CliErrorsTest.assertSingleLine(Limbo.run("scan", "--proc-root", "/proc/1"), "not the root of a procfs", "/proc/1");
        Limbo check = Limbo.run("check", "--proc-root", "/proc/self/");
        assertThat(check.code()).isEqualTo(3);
        assertThat(check.out()).startsWith("limbo UNKNOWN").contains("not the root of a procfs");
    }

    static String text(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
