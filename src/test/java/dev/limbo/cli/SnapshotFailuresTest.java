package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snapshot -o} where it cannot write (issue 12, item 9): one plain line, exit 3, no temp
 * file left. Needs root (mount, chattr): the suite runs as root in CI.
 */
class SnapshotFailuresTest {
    @TempDir
    Path tmp;

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", cmd) + ": " + out).isTrue();
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aDirectoryIsRejectedBeforeSampling() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("out.tar.gz"));
        long t0 = System.nanoTime();
        Limbo r = Limbo.run("snapshot", "-o", dir.toString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        CliErrorsTest.assertSingleLine(r, "cannot write snapshot " + dir + ": it is a directory");
        assertThat(names(tmp)).containsExactly("out.tar.gz");
        assertThat(names(dir)).isEmpty();
        System.out.println("snapshot -o DIR: rejected in " + ms + " ms");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFullDiskIsOneLineAndLeavesNothing() throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve("small"));
        // 16 KiB, filled up before the snapshot: however small this host's snapshot is, it cannot fit
        run("mount", "-t", "tmpfs", "-o", "size=16k", "limbo-test-full", mnt.toString());
        try {
            Path filler = mnt.resolve("filler");
            try (var os = Files.newOutputStream(filler)) {
                byte[] page = new byte[4096];
                for (int i = 0; i < 64; i++) {
                    os.write(page);
                    os.flush();
                }
            } catch (IOException full) {
                // expected: the disk is full now
            }
            Path out = mnt.resolve("s.tar.gz");
            Limbo r = Limbo.run("snapshot", "-o", out.toString());
            CliErrorsTest.assertSingleLine(r, "cannot write snapshot " + out + ": No space left on device");
            assertThat(names(mnt)).containsExactly("filler");
        } finally {
            run("umount", mnt.toString());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aPlaceRootMayNotWriteIsOneLineAndLeavesNothing() throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve("locked"));
        run("mount", "-t", "tmpfs", "-o", "size=1m", "limbo-test-locked", mnt.toString());
        Path locked = Files.createDirectories(mnt.resolve("immutable"));
        try {
            // an immutable directory refuses even root (EPERM), as a read-only mount does (EROFS)
            run("chattr", "+i", locked.toString());
            Path out = locked.resolve("s.tar.gz");
            Limbo r = Limbo.run("snapshot", "-o", out.toString());
            CliErrorsTest.assertSingleLine(r, "cannot write snapshot " + out + ": Operation not permitted");
            assertThat(names(locked)).isEmpty();
            run("chattr", "-i", locked.toString());
            run("mount", "-o", "remount,ro", mnt.toString());
            Limbo ro = Limbo.run("snapshot", "-o", out.toString());
            CliErrorsTest.assertSingleLine(ro, "cannot write snapshot " + out + ": Read-only file system");
            assertThat(names(locked)).isEmpty();
        } finally {
            new ProcessBuilder("chattr", "-i", locked.toString()).start().waitFor(10, TimeUnit.SECONDS);
            run("umount", mnt.toString());
        }
    }
}
