package dev.limbo.procfs;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tree laid out like /proc: the live one, a saved directory, or one sample of a snapshot
 * archive held in memory ({@link ArchiveTree}). Reads are plain open/read/close with a reused
 * buffer; nothing here ever writes.
 *
 * <p>A saved tree is data, not a filesystem to trust: no symlink is followed anywhere in it (the
 * real path of what is read must be the path asked for; {@code fd/*} links are read as link text
 * only), and nothing but a regular file is opened (a FIFO, device or socket is refused after a
 * stat, before any open). Its walk is bounded by a {@link WalkBudget}.
 */
public final class ProcRoot {
    /** Files limbo must never read: they take the target's mmap lock or expose secrets. */
    private static final String[] FORBIDDEN = {"environ", "mem", "maps", "smaps", "smaps_rollup", "numa_maps", "pagemap"};
    private static final int MAX_BYTES = 1 << 20;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[16384]);

    /** The directory (live or saved), or null for an archive. */
    private final Path dir;
    /** dir as a string ending in '/': file names are built by concatenation, not Path.resolve (hot path). */
    private final String dirSlash;
    /** A saved directory's real path: what every path read under it must resolve to (no links). */
    private final Path realDir;
    /** An archive in memory and this root's place in it ("" or e.g. "samples/0/"), or null. */
    private final ArchiveTree tree;
    private final String treePrefix;
    private final WalkBudget budget;
    private final String prefix;
    private final boolean live;
    private volatile Recorder recorder;

    private ProcRoot(Path dir, Path realDir, ArchiveTree tree, String treePrefix, WalkBudget budget, String display, boolean live) {
        this.dir = dir;
        String d = dir == null ? "" : dir.toString();
        this.dirSlash = d.endsWith("/") ? d : d + "/";
        this.realDir = realDir;
        this.tree = tree;
        this.treePrefix = treePrefix;
        this.budget = budget;
        this.prefix = display.endsWith("/") ? display : display + "/";
        this.live = live;
    }

    public static ProcRoot live() {
        return new ProcRoot(Path.of("/proc"), null, null, null, null, "/proc", true);
    }

    /** A live procfs mounted at another path (e.g. the host's /proc inside a container). */
    public static ProcRoot liveAt(Path dir, String display) {
        return new ProcRoot(dir, null, null, null, null, display, true);
    }

    /** The live /proc, or a saved directory with the default walk budget. */
    public static ProcRoot of(Path dir, String display) {
        if (dir.toAbsolutePath().normalize().equals(Path.of("/proc"))) {
            return new ProcRoot(dir, null, null, null, null, display, true);
        }
        try {
            return saved(dir, display, new WalkBudget(WalkBudget.DEFAULT_OPERATIONS, WalkBudget.DEFAULT_DIRECTORY_ENTRIES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A saved directory (a copy of /proc, or a snapshot's directory), read as data. */
    public static ProcRoot saved(Path dir, String display, WalkBudget budget) throws IOException {
        return new ProcRoot(dir, dir.toRealPath(), null, null, budget, display, false);
    }

    /** The root of an archive read into memory. */
    public static ProcRoot ofArchive(ArchiveTree tree, String display) {
        return new ProcRoot(null, null, tree, "", null, display, false);
    }

    /** The directory {@code rel} of this saved root or archive as a root of its own (a snapshot's sample). */
    public ProcRoot sub(String rel, String display) throws IOException {
        if (live || rel.isEmpty() || rel.startsWith("/") || java.util.Arrays.asList(rel.split("/")).contains("..")) {
            throw new IllegalArgumentException("not a sub-root of a saved tree: " + rel);
        }
        if (tree != null) {
            return new ProcRoot(null, null, tree, treePrefix + rel + "/", null, display, false);
        }
        Path real = contained(rel);
        return new ProcRoot(real, real, null, null, budget, display, false);
    }

    /** Whether this is a saved directory on disk (not the live /proc, not an archive). */
    public boolean isSavedDirectory() {
        return !live && tree == null;
    }

    /**
     * How much walking a saved directory may cost: file reads plus names listed, in total, and
     * names in one directory. Shared by every root of one source. Once exceeded, reads and
     * listings come back empty and {@link #exceeded()} says why; the caller reports it.
     */
    public static final class WalkBudget {
        /** A saved tree of ~200,000 tasks costs about 2 operations per task; 600,000 is well above. */
        public static final long DEFAULT_OPERATIONS = 600_000;
        /** The archive's entry cap ({@link Archive.Limits#DEFAULT}): no directory of a real tree holds more. */
        public static final int DEFAULT_DIRECTORY_ENTRIES = Archive.Limits.DEFAULT.entries();

        private final long maxOperations;
        private final int maxDirectoryEntries;
        private final java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong();
        private volatile String exceeded;

        public WalkBudget(long maxOperations, int maxDirectoryEntries) {
            this.maxOperations = maxOperations;
            this.maxDirectoryEntries = maxDirectoryEntries;
        }

        /** Why the walk was cut short, or null while within budget. */
        public String exceeded() {
            return exceeded;
        }

        boolean charge(long n) {
            if (exceeded != null) {
                return false;
            }
            if (used.addAndGet(n) > maxOperations) {
                exceeded = "more than " + maxOperations + " files and directory entries";
                return false;
            }
            return true;
        }

        void tooManyEntries(String rel) {
            exceeded = "more than " + maxDirectoryEntries + " entries in " + (rel.isEmpty() ? "its root" : rel);
        }
    }

    /** This root's walk budget (saved directories only), or null. */
    public WalkBudget budget() {
        return budget;
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
            return new Read(display(rel), null, classify(e));
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
            return new StatProbe(null, null, classify(e));
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
        if (tree != null) {
            return copyToBuffer(treeFile(rel), maxBytes);
        }
        ReadPool.noteReading(this, rel);
        byte[] buf = BUFFER.get();
        int n = 0;
        boolean whole = live && isSingleShot(rel);
        try (InputStream in = live ? new FileInputStream(dirSlash + rel) : openSaved(rel)) {
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

    /** A file of the archive: its bytes, or an IOException saying why there are none. */
    private byte[] treeFile(String rel) throws IOException {
        String path = treePrefix + rel;
        byte[] data = tree.file(path);
        if (data != null) {
            return data;
        }
        if (tree.link(path) != null) {
            throw new IOException("a symlink in a saved tree: not followed");
        }
        if (tree.isDirectory(path)) {
            throw new IOException("a directory, not a file");
        }
        throw new NoSuchFileException(display(rel));
    }

    private static int copyToBuffer(byte[] data, int maxBytes) {
        int n = Math.min(data.length, maxBytes);
        byte[] buf = BUFFER.get();
        if (buf.length < n) {
            buf = new byte[n];
            BUFFER.set(buf);
        }
        System.arraycopy(data, 0, buf, 0, n);
        return n;
    }

    /**
     * The path of {@code rel} in a saved directory, if no symlink lies on the way to it (its real
     * path is the path asked for): a link, even to a file inside the root, is never followed.
     */
    private Path contained(String rel) throws IOException {
        Path lexical = rel.isEmpty() ? realDir : realDir.resolve(rel);
        Path real = lexical.toRealPath();
        if (!real.equals(lexical)) {
            throw new IOException("a symlink in a saved tree: not followed");
        }
        return real;
    }

    /**
     * Opens a regular file of a saved directory: no link on the way (and O_NOFOLLOW on the last
     * part), and its type checked before any open, so a FIFO, device or socket is never opened.
     */
    private InputStream openSaved(String rel) throws IOException {
        if (!budget.charge(1)) {
            throw new IOException("saved tree too large: " + budget.exceeded());
        }
        Path p = contained(rel);
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new IOException(a.isDirectory() ? "a directory, not a file" : "not a regular file (FIFO, device or socket): not opened");
        }
        return Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
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
        String markerRel = rel + TIMED_OUT_SUFFIX;
        byte[] data;
        try {
            if (tree != null) {
                data = tree.file(treePrefix + markerRel);
            } else {
                try (InputStream in = openSaved(markerRel)) {
                    data = in.readNBytes(64);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        if (data == null) {
            return -1;
        }
        try {
            return Long.parseLong(new String(data, StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Lists a directory's entries, or null when it is missing or unreadable. */
    public String[] list(String rel) {
        if (tree != null) {
            return tree.list(rel.isEmpty() ? treePrefix.replaceAll("/$", "") : treePrefix + rel);
        }
        if (live) {
            return new File(rel.isEmpty() ? dirSlash : dirSlash + rel).list();
        }
        try {
            Path p = contained(rel);
            if (!Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
                return null;
            }
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path e : ds) {
                    if (names.size() >= budget.maxDirectoryEntries) {
                        budget.tooManyEntries(rel);
                        return null;
                    }
                    names.add(e.getFileName().toString());
                }
            }
            return budget.charge(names.size()) ? names.toArray(new String[0]) : null;
        } catch (IOException | java.nio.file.DirectoryIteratorException | SecurityException e) {
            return null;
        }
    }

    public boolean isDirectory(String rel) {
        if (tree != null) {
            return tree.isDirectory(treePrefix + rel);
        }
        if (live) {
            return new File(dirSlash + rel).isDirectory();
        }
        try {
            return Files.readAttributes(contained(rel), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory();
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** The target of a symlink such as {@code PID/fd/3}, or null. Never follows it. */
    public String readLink(String rel) {
        try {
            String target;
            if (tree != null) {
                target = tree.link(treePrefix + rel);
            } else if (live) {
                target = Files.readSymbolicLink(dir.resolve(rel)).toString();
            } else {
                // the link itself is read as text; no link may lie on the way to it
                int slash = rel.lastIndexOf('/');
                Path parent = contained(slash < 0 ? "" : rel.substring(0, slash));
                target = Files.readSymbolicLink(parent.resolve(rel.substring(slash + 1))).toString();
            }
            Recorder sink = recorder;
            if (sink != null && target != null) {
                sink.link(rel, target);
            }
            return target;
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

    private static Read.Absence classify(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Read.Absence.MISSING;
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return Read.Absence.DENIED;
        }
        return classify(e.getMessage());
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
