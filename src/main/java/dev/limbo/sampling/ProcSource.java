package dev.limbo.sampling;

import dev.limbo.procfs.StatusParser;
import dev.limbo.procfs.TaskStatus;
import dev.limbo.procfs.ReadPool;
import dev.limbo.procfs.ProcRoot;
import dev.limbo.procfs.Archive;
import dev.limbo.model.Observation;
import dev.limbo.model.Sample;
import dev.limbo.model.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Where samples come from: the live /proc (sampled now, suspects re-read), a saved tree, or a
 * snapshot (directory or .tar.gz holding samples/0..n).
 */
public final class ProcSource implements AutoCloseable {
    /** A --proc-root that cannot be used: the CLI prints the message and exits 3. */
    public static final class BadRootException extends Exception {
        private static final long serialVersionUID = 1L;

        public BadRootException(String message) {
            super(message);
        }
    }

    private final String display;
    private final List<ProcRoot> saved;
    private final ProcRoot live;
    /** Fewer, closer passes when the suspects are only zombies (0 = no such shortcut). */
    private int zombieOnlySamples;
    private long zombieOnlyIntervalMs;
    /** The directory a .tar.gz was extracted to, removed by {@link #close()}. */
    private Path extracted;
    private Thread cleanup;

    private ProcSource(String display, List<ProcRoot> saved, ProcRoot live) {
        this.display = display;
        this.saved = saved;
        this.live = live;
    }

    public static ProcSource live() {
        return new ProcSource("/proc", null, ProcRoot.live());
    }

    /** Resolves a --proc-root argument (null means the live /proc). */
    public static ProcSource open(String arg) throws BadRootException {
        if (arg == null) {
            return live();
        }
        Path p = Path.of(arg);
        if (!Files.exists(p)) {
            throw new BadRootException("procfs root not found: " + arg);
        }
        if (Files.isRegularFile(p)) {
            String n = p.getFileName().toString();
            if (!(n.endsWith(".tar.gz") || n.endsWith(".tgz"))) {
                throw new BadRootException("not a procfs root or snapshot (.tar.gz): " + arg);
            }
            Path dir = null;
            try {
                dir = Files.createTempDirectory("limbo-snapshot-");
                Archive.extract(p, dir);
                ProcSource source = fromDirectory(dir, arg);
                source.extracted = dir;
                Path d = dir;
                source.cleanup = new Thread(() -> delete(d));
                Runtime.getRuntime().addShutdownHook(source.cleanup);
                return source;
            } catch (Archive.CorruptArchiveException e) {
                delete(dir);
                throw new BadRootException("corrupt snapshot " + arg + ": " + e.getMessage());
            } catch (IOException e) {
                delete(dir);
                throw new BadRootException("cannot read snapshot " + arg + ": " + e.getMessage());
            } catch (BadRootException e) {
                delete(dir);
                throw e;
            }
        }
        if (!Files.isDirectory(p)) {
            throw new BadRootException("not a directory: " + arg);
        }
        if (p.toAbsolutePath().normalize().equals(Path.of("/proc"))) {
            return live();
        }
        if (isProcfs(p)) {
            // A live procfs mounted elsewhere (a container's view of the host: -v /proc:/host/proc).
            return new ProcSource(arg, null, ProcRoot.liveAt(p, arg.replaceAll("/+$", "")));
        }
        return fromDirectory(p, arg);
    }

    private static ProcSource fromDirectory(Path dir, String display) throws BadRootException {
        Path samples = dir.resolve("samples");
        if (Files.isDirectory(samples)) {
            TreeMap<Integer, ProcRoot> roots = new TreeMap<>();
            String[] names = samples.toFile().list();
            for (String n : names == null ? new String[0] : names) {
                int i = Sampler.pidOf(n);
                if (i >= 0 && Files.isDirectory(samples.resolve(n))) {
                    roots.put(i, ProcRoot.of(samples.resolve(n), display.replaceAll("/+$", "") + "/samples/" + n));
                }
            }
            if (roots.isEmpty()) {
                throw new BadRootException("snapshot has no samples: " + display);
            }
            return new ProcSource(display, new ArrayList<>(roots.values()), null);
        }
        if (!looksLikeProc(dir)) {
            throw new BadRootException("not a procfs root (no PID directories, no stat or uptime): " + display);
        }
        return new ProcSource(display, List.of(ProcRoot.of(dir, display.replaceAll("/+$", ""))), null);
    }

    /** Whether dir is a mounted procfs (not a saved copy). */
    private static boolean isProcfs(Path dir) {
        try {
            return Files.getFileStore(dir).type().equals("proc");
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static boolean looksLikeProc(Path dir) {
        String[] names = dir.toFile().list();
        if (names == null) {
            return false;
        }
        for (String n : names) {
            if (Sampler.pidOf(n) > 0 || n.equals("uptime") || n.equals("loadavg")) {
                return true;
            }
        }
        return false;
    }

    public boolean isLive() {
        return live != null;
    }

    public String display() {
        return display;
    }

    public ProcRoot liveRoot() {
        return live;
    }

    /** Live only: why this procfs hides tasks from us (hidepid), or null (see {@link ProcView}). */
    public String restriction() {
        return live == null ? null : dev.limbo.procfs.ProcView.restriction(live.dir());
    }

    /**
     * Takes the observation. Live: one full pass, then, only if there are suspects, up to
     * {@code samples - 1} more passes over just the suspects, {@code intervalMs} apart. Saved: every
     * sample in the tree or snapshot, complete.
     */
    public Observation observe(ReadPool pool, int samples, long intervalMs, Set<Integer> alsoDeep) {
        return observe(pool, samples, intervalMs, alsoDeep, i -> { });
    }

    /** As above; {@code beforeSample} is told each sample's index before it is read. */
    public Observation observe(ReadPool pool, int samples, long intervalMs, Set<Integer> alsoDeep, IntConsumer beforeSample) {
        List<Sample> out = new ArrayList<>();
        if (live == null) {
            for (int i = 0; i < saved.size(); i++) {
                beforeSample.accept(i);
                out.add(new Sampler(saved.get(i), pool).sample(i, null, alsoDeep));
            }
            return new Observation(out);
        }
        Sampler sampler = new Sampler(live, pool);
        beforeSample.accept(0);
        Sample first = sampler.sample(0, null, alsoDeep);
        out.add(first);
        Set<Integer> suspects = suspects(first);
        suspects.addAll(alsoDeep);
        if (zombieOnlySamples > 0 && first.tasks().values().stream().noneMatch(t -> t.state().isUninterruptible())) {
            samples = Math.min(samples, zombieOnlySamples);
            intervalMs = Math.min(intervalMs, zombieOnlyIntervalMs);
        }
        for (int i = 1; i < samples && !suspects.isEmpty(); i++) {
            sleep(intervalMs);
            beforeSample.accept(i);
            out.add(sampler.sample(i, suspects, alsoDeep));
        }
        return new Observation(out);
    }

    /**
     * When the first pass finds zombies but no task in D, re-sample at most {@code samples} times,
     * {@code intervalMs} apart: telling a lingering zombie from one reaped a moment later needs
     * far less time than judging whether a D task progresses.
     */
    public void whenOnlyZombies(int samples, long intervalMs) {
        this.zombieOnlySamples = samples;
        this.zombieOnlyIntervalMs = intervalMs;
    }

    /** The thread group of a pid or tid, or -1 when it is not found. */
    public int resolveTgid(int id) {
        if (live != null) {
            TaskStatus s = StatusParser.parse(live.read(id + "/status").text());
            return s == null || s.tgid() <= 0 ? -1 : s.tgid();
        }
        for (ProcRoot root : saved) {
            if (root.isDirectory(String.valueOf(id))) {
                return id;
            }
            String[] pids = root.list("");
            for (String n : pids == null ? new String[0] : pids) {
                if (Sampler.pidOf(n) > 0 && root.isDirectory(n + "/task/" + id)) {
                    return Sampler.pidOf(n);
                }
            }
        }
        return -1;
    }

    /** Thread groups with a task in Z or D. */
    public static Set<Integer> suspects(Sample s) {
        Set<Integer> out = new LinkedHashSet<>();
        for (Task t : s.tasks().values()) {
            if (t.state().isZombie() || t.state().isUninterruptible()) {
                out.add(t.tgid());
            }
        }
        return out;
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(0, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the extracted snapshot, if any. */
    @Override
    public void close() {
        if (extracted != null) {
            delete(extracted);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
            extracted = null;
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temp dir left behind is harmless
        }
    }
}
