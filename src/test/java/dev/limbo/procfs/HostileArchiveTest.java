package dev.limbo.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile archives at the reader: every one ends quickly, in bounded memory, with a tree that
 * holds only data or with the reason it was refused. Each case prints its time and the peak heap
 * it took (the sum of the heap pools' peaks, an upper bound) and asserts a bound on both.
 */
class HostileArchiveTest {
    @TempDir
    Path tmp;

    /**
     * What one case cost: CPU time of the reading thread (what the bounds are asserted on: the CI
     * host is shared, wall time is not the reader's own), wall time, and peak heap above the
     * baseline.
     */
    record Cost(long millis, long wallMillis, long peakHeapMb, Object result) {
    }

    /** Wall time allowed on a loaded host for any case: it must end, however slowly it is scheduled. */
    static final long WALL_LIMIT_MS = 120_000;

    static Cost measure(String label, Callable<Object> work) {
        System.gc();
        long base = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
                base += p.getUsage().getUsed();
            }
        }
        var threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Object result;
        try {
            result = work.call();
        } catch (Exception e) {
            result = e;
        }
        long wall = (System.nanoTime() - t0) / 1_000_000;
        long ms = (threads.getCurrentThreadCpuTime() - cpu0) / 1_000_000;
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        Cost c = new Cost(ms, wall, Math.max(0, peak - base) >> 20, result);
        System.out.printf("hostile archive | %s | %s | %d ms CPU, %d ms wall | heap peak +%d MB%n", label,
                result instanceof Exception e ? e.getClass().getSimpleName() + ": " + e.getMessage()
                        : result instanceof ArchiveTree t ? "read: " + t.fileCount() + " files, " + t.linkCount() + " links" : result,
                c.millis(), c.wallMillis(), c.peakHeapMb());
        assertThat(c.wallMillis()).as("wall time").isLessThan(WALL_LIMIT_MS);
        return c;
    }

    static void assertRefused(Cost c, Class<? extends Exception> type, String mention, long maxMillis, long maxHeapMb) {
        assertThat(c.result()).isInstanceOf(type);
        assertThat(((Exception) c.result()).getMessage()).contains(mention);
        assertThat(c.millis()).as("time").isLessThan(maxMillis);
        assertThat(c.peakHeapMb()).as("heap MB").isLessThan(maxHeapMb);
    }

    Path write(String name, byte[]... members) throws Exception {
        Path f = tmp.resolve(name);
        try (Tars t = new Tars(f)) {
            for (byte[] m : members) {
                t.member(m);
            }
            t.end();
        }
        return f;
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    @Test
    void aLinkAndThenAFileOfTheSameNameAreData() throws Exception {
        Path f = write("link-then-file.tar.gz", cat(
                Tars.symlink("samples/0/x", "/etc/passwd"),
                Tars.file("samples/0/x", "data\n"),
                Tars.symlink("samples/0/d", "/etc"),
                Tars.file("samples/0/d/pwned", "data\n"),
                Tars.symlink("samples/0/up", "../../../../../../tmp"),
                Tars.file("samples/0/up/pwned", "data\n")));
        Cost c = measure("symlink then file of the same name, dir link then file under it, ../ link", () -> Archive.read(f));
        ArchiveTree t = (ArchiveTree) c.result();
        assertThat(new String(t.file("samples/0/x"), StandardCharsets.UTF_8)).isEqualTo("data\n");
        assertThat(t.link("samples/0/x")).isNull();
        // the links are kept as text; what is "under" them is just more data in memory
        assertThat(t.link("samples/0/d")).isEqualTo("/etc");
        assertThat(t.file("samples/0/d/pwned")).isNotNull();
        ProcRoot root = ProcRoot.ofArchive(t, "f").sub("samples/0", "f/samples/0");
        assertThat(root.readLink("up")).isEqualTo("../../../../../../tmp");
        assertThat(root.read("up").ok()).isFalse();
        assertThat(c.millis()).isLessThan(2000);
    }

    @Test
    void hardLinksDevicesFifosAbsoluteNamesAndDotDotAreRefused() throws Exception {
        Object[][] cases = {
            {"hard link", Tars.entry("samples/0/1/cmdline", '1', new byte[0], "/etc/shadow"), "hard link entry"},
            {"char device", Tars.entry("samples/0/1/cmdline", '3', new byte[0], ""), "character device entry"},
            {"block device", Tars.entry("samples/0/1/cmdline", '4', new byte[0], ""), "block device entry"},
            {"FIFO", Tars.entry("samples/0/1/cmdline", '6', new byte[0], ""), "FIFO entry"},
            {"absolute name", Tars.file("/etc/cron.d/evil", "x\n"), "absolute name"},
            {"'..' name", Tars.file("samples/0/../../../evil", "x\n"), "'..'"},
            {"'..' in a long name", Tars.file("samples/0/" + "abcdef/".repeat(16) + "../x", "x\n"), "'..'"},
        };
        for (Object[] k : cases) {
            Path f = write("refused.tar.gz", cat(Tars.file("samples/0/uptime", "1 1\n"), (byte[]) k[1]));
            assertRefused(measure((String) k[0], () -> Archive.read(f)), Archive.RefusedEntryException.class,
                    (String) k[2], 2000, 64);
        }
    }

    @Test
    void controlCharactersInARefusedNameAreEscaped() throws Exception {
        Path f = write("esc.tar.gz", Tars.entry("samples/0/\u001b]0;PWN\u0007\r", '1', new byte[0], "x"));
        Cost c = measure("hard link with ESC/BEL/CR in its name", () -> Archive.read(f));
        assertRefused(c, Archive.RefusedEntryException.class, "\\x1b]0;PWN\\x07\\x0d", 2000, 64);
    }

    /** 3 MB that expand to 3 GB: one file that claims 3 GB. Refused at its header. */
    @Test
    void aGzipBombOfOneHugeFile() throws Exception {
        Path f = Tars.bombOneFile(tmp.resolve("bomb1.tar.gz"));
        assertThat(f.toFile().length()).isLessThan(4L << 20);
        assertRefused(measure("gzip bomb: one 3 GB file (" + (f.toFile().length() >> 10) + " KB)", () -> Archive.read(f)),
                Archive.TooLargeException.class, "at most 1048576", 2000, 64);
    }

    /** 3 GB of 1 MiB files (each within the per-file cap): stopped by the memory cap. */
    @Test
    void aGzipBombOfManyFiles() throws Exception {
        Path f = Tars.bombManyFiles(tmp.resolve("bomb2.tar.gz"));
        assertThat(f.toFile().length()).isLessThan(8L << 20);
        assertRefused(measure("gzip bomb: 3072 files of 1 MiB (" + (f.toFile().length() >> 10) + " KB)", () -> Archive.read(f)),
                Archive.TooLargeException.class, "MiB of entries", 10_000, 600);
    }

    /** 3 GB in an entry the reader skips (a pax header): stopped by the stream cap. */
    @Test
    void aGzipBombInASkippedEntry() throws Exception {
        Path f = Tars.bombSkipped(tmp.resolve("bomb3.tar.gz"));
        assertRefused(measure("gzip bomb: 3 GB pax header (" + (f.toFile().length() >> 10) + " KB)", () -> Archive.read(f)),
                Archive.TooLargeException.class, "MiB uncompressed", 15_000, 64);
    }

    /** Zeros right after the first header block: the end of the archive, nothing read past it. */
    @Test
    void aGzipBombOfZerosIsAnEmptyArchive() throws Exception {
        byte[] mib = Tars.zeros(1 << 20);
        Path f = tmp.resolve("zeros.tar.gz");
        try (Tars t = new Tars(f)) {
            for (int i = 0; i < 3072; i++) {
                t.raw(mib);
            }
        }
        Cost c = measure("gzip bomb: 3 GB of zeros", () -> Archive.read(f));
        assertThat(c.result()).isInstanceOf(ArchiveTree.class);
        assertThat(((ArchiveTree) c.result()).list("")).isEmpty();
        assertThat(c.millis()).isLessThan(2000);
    }

    /** 10^5 processes, each with its stat: well within the caps, read whole. */
    @Test
    void aHundredThousandEntriesAreRead() throws Exception {
        Path f = Tars.manyStats(tmp.resolve("1e5.tar.gz"), 100_000, 100_000);
        Cost c = measure("10^5 entries (" + (f.toFile().length() >> 10) + " KB)", () -> Archive.read(f));
        assertThat(c.result()).isInstanceOf(ArchiveTree.class);
        ArchiveTree t = (ArchiveTree) c.result();
        assertThat(t.fileCount()).isEqualTo(100_001);
        assertThat(t.list("samples/0")).hasSize(100_001);
        assertThat(c.millis()).isLessThan(15_000);
        assertThat(c.peakHeapMb()).isLessThan(400);
    }

    /**
     * 10^6 entries: refused at the entry cap, after reading 300,000 of them. (All but the first
     * 1000 repeat names, as an attacker's archive may: it costs them nothing to make.)
     */
    @Test
    void aMillionEntriesAreRefused() throws Exception {
        Path f = Tars.manyStats(tmp.resolve("1e6.tar.gz"), 1_000_000, 1000);
        Cost c = measure("10^6 entries (" + (f.toFile().length() >> 10) + " KB)", () -> Archive.read(f));
        assertRefused(c, Archive.TooLargeException.class, "more than 300000 entries", 20_000, 600);
    }

    @Test
    void deepPathsAndLongNamesAreRefused() throws Exception {
        Path deep = write("deep.tar.gz", Tars.file("samples/0/" + "d/".repeat(40) + "x", "x\n"));
        assertRefused(measure("path 42 levels deep", () -> Archive.read(deep)), Archive.TooLargeException.class,
                "deeper than 32", 2000, 64);
        Path veryDeep = write("deeper.tar.gz", Tars.file("d/".repeat(2000) + "x", "x\n"));
        assertRefused(measure("path 2001 levels deep (4001-byte name)", () -> Archive.read(veryDeep)),
                Archive.TooLargeException.class, "deeper than 32", 2000, 64);
        Path longName = write("long.tar.gz", Tars.file("samples/0/" + "n".repeat(5000), "x\n"));
        assertRefused(measure("5000-byte name", () -> Archive.read(longName)), Archive.TooLargeException.class,
                "longer than 4096", 2000, 64);
        // a GNU long-name entry that claims 1 GB
        Path hugeName = write("hugename.tar.gz", Tars.header("././@LongLink", 'L', 1L << 30, ""));
        assertRefused(measure("GNU long name of 1 GB", () -> Archive.read(hugeName)), Archive.TooLargeException.class,
                "longer than 4096", 2000, 64);
        Path longLink = write("longlink.tar.gz", cat(Tars.header("././@LongLink", 'K', 5001, ""), new byte[5120],
                Tars.symlink("samples/0/1/fd/0", "x")));
        assertRefused(measure("GNU long link of 5000 bytes", () -> Archive.read(longLink)), Archive.TooLargeException.class,
                "longer than 4096", 2000, 64);
    }
}
