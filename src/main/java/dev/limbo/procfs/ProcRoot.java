package dev.limbo.procfs;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A directory laid out like /proc: the live one, a saved tree, or one sample of a snapshot.
 * Reads are plain open/read/close with a reused buffer; nothing here ever writes.
 */
public final class ProcRoot {
    /** Files limbo must never read: they take the target's mmap lock or expose secrets. */
    private static final String[] FORBIDDEN = {"environ", "mem", "maps", "smaps", "smaps_rollup", "numa_maps", "pagemap"};
    private static final int MAX_BYTES = 1 << 20;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[16384]);

    private final Path dir;
    /** dir as a string ending in '/': file names are built by concatenation, not Path.resolve (hot path). */
    private final String dirSlash;
    private final String prefix;
    private final boolean live;
    private volatile Recorder recorder;

    private ProcRoot(Path dir, String display, boolean live) {
        this.dir = dir;
        String d = dir.toString();
        this.dirSlash = d.endsWith("/") ? d : d + "/";
        this.prefix = display.endsWith("/") ? display : display + "/";
        this.live = live;
    }

    public static ProcRoot live() {
        return new ProcRoot(Path.of("/proc"), "/proc", true);
    }

    /** A live procfs mounted at another path (e.g. the host's /proc inside a container). */
    public static ProcRoot liveAt(Path dir, String display) {
        return new ProcRoot(dir, display, true);
    }

    public static ProcRoot of(Path dir, String display) {
        boolean live = dir.toAbsolutePath().normalize().equals(Path.of("/proc"));
        return new ProcRoot(dir, display, live);
    }

    public Path dir() {
        return dir;
    }

    public boolean isLive() {
        return live;
    }

    /** Path as shown in evidence, e.g. {@code /proc/22889/status}. */
    public String display(String rel) {
        return prefix + rel;
    }

    /** Receives every successful read and link (used by {@code limbo snapshot}). */
    public interface Recorder {
        void file(String rel, byte[] data);

        void link(String rel, String target);
    }

    public void record(Recorder sink) {
        this.recorder = sink;
    }

    public Read read(String rel) {
        return read(rel, MAX_BYTES);
    }

    public Read read(String rel, int maxBytes) {
        int n;
        try {
            n = readBytes(rel, maxBytes);
        } catch (IOException e) {
            return new Read(display(rel), null, classify(e.getMessage()));
        }
        return new Read(display(rel), new String(BUFFER.get(), 0, n, StandardCharsets.UTF_8), Read.Absence.NONE);
    }

    /** A task's state from its stat file; the whole read only for the states a scan looks into. */
    public record StatProbe(TaskState state, Read read, Read.Absence absence) {
    }

    /**
     * The hot path of a scan: reads a stat file and picks the state letter after the last ')'
     * from the bytes. Only a task in Z or D (or a line that does not look like stat) is decoded
     * and returned whole, since only those are parsed further.
     */
    public StatProbe probeStat(String rel) {
        int n;
        try {
            n = readBytes(rel, 4096);
        } catch (IOException e) {
            return new StatProbe(null, null, classify(e.getMessage()));
        }
        byte[] buf = BUFFER.get();
        int close = n - 1;
        while (close >= 0 && buf[close] != ')') {
            close--;
        }
        if (close > 0 && close + 2 < n && buf[close + 1] == ' ' && (close + 3 == n || buf[close + 3] == ' ')) {
            TaskState state = TaskState.of((char) buf[close + 2]);
            if (state != TaskState.ZOMBIE && state != TaskState.DISK_SLEEP && state != TaskState.UNKNOWN) {
                return new StatProbe(state, null, Read.Absence.NONE);
            }
        }
        Read whole = new Read(display(rel), new String(buf, 0, n, StandardCharsets.UTF_8), Read.Absence.NONE);
        return new StatProbe(null, whole, Read.Absence.NONE);
    }

    /** Reads a file into this thread's buffer; returns the byte count. */
    private int readBytes(String rel, int maxBytes) throws IOException {
        if (isForbidden(rel)) {
            throw new IllegalArgumentException("limbo never reads " + rel);
        }
        ReadPool.noteReading(this, rel);
        byte[] buf = BUFFER.get();
        int n = 0;
        boolean whole = live && isSingleShot(rel);
        try (FileInputStream in = new FileInputStream(dirSlash + rel)) {
            while (true) {
                if (n == buf.length) {
                    if (buf.length >= maxBytes) {
                        break;
                    }
                    buf = Arrays.copyOf(buf, Math.min(maxBytes, buf.length * 2));
                    BUFFER.set(buf);
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
                // These /proc files are rendered whole on the first read: a short read is all.
                if (whole && n < buf.length) {
                    break;
                }
            }
        } finally {
            ReadPool.noteReading(null, null);
        }
        Recorder sink = recorder;
        if (sink != null) {
            sink.file(rel, Arrays.copyOf(buf, n));
        }
        return n;
    }

    /**
     * seq_file single_open files (stat, status, stack, wchan, syscall, comm): the kernel renders
     * them whole, so a read that does not fill the buffer is the whole file. Saves one read() per
     * file. (Not true of multi-record files such as mountinfo, which come a page at a time.)
     */
    private static boolean isSingleShot(String rel) {
        String name = rel.substring(rel.lastIndexOf('/') + 1);
        switch (name) {
            case "stat": case "status": case "stack": case "wchan": case "syscall": case "comm":
                return true;
            default:
                return false;
        }
    }

    /** Suffix of the marker a snapshot writes in place of a file whose read timed out. */
    public static final String TIMED_OUT_SUFFIX = ".limbo-timed-out";

    /**
     * For a saved tree: how long the read of {@code rel} waited before it was abandoned when the
     * snapshot was taken, or -1 when it did not time out (or this is the live /proc).
     */
    public long savedTimeoutMillis(String rel) {
        if (live) {
            return -1;
        }
        File marker = new File(dir.toFile(), rel + TIMED_OUT_SUFFIX);
        if (!marker.isFile()) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readString(marker.toPath()).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Lists a directory's entries, or null when it is missing or unreadable. */
    public String[] list(String rel) {
        return new File(rel.isEmpty() ? dirSlash : dirSlash + rel).list();
    }

    public boolean isDirectory(String rel) {
        return new File(dirSlash + rel).isDirectory();
    }

    /** The target of a symlink such as {@code PID/fd/3}, or null. Never follows it. */
    public String readLink(String rel) {
        try {
            String target = Files.readSymbolicLink(dir.resolve(rel)).toString();
            Recorder sink = recorder;
            if (sink != null) {
                sink.link(rel, target);
            }
            return target;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    static boolean isForbidden(String rel) {
        String name = rel.substring(rel.lastIndexOf('/') + 1);
        for (String f : FORBIDDEN) {
            if (name.equals(f)) {
                return true;
            }
        }
        return false;
    }

    private static Read.Absence classify(String message) {
        if (message == null) {
            return Read.Absence.ERROR;
        }
        if (message.contains("No such file")) {
            return Read.Absence.MISSING;
        }
        if (message.contains("No such process")) {
            return Read.Absence.GONE;
        }
        if (message.contains("Permission denied") || message.contains("Operation not permitted")) {
            return Read.Absence.DENIED;
        }
        return Read.Absence.ERROR;
    }
}
