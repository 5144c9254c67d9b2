package dev.limbo.sampling;

import dev.limbo.procfs.StatusParser;
import dev.limbo.procfs.TaskStatus;
import dev.limbo.procfs.ReadPool;
import dev.limbo.procfs.ProcRoot;
import dev.limbo.procfs.Archive;
import dev.limbo.procfs.ArchiveTree;
import dev.limbo.model.Observation;
import dev.limbo.model.Sample;
import dev.limbo.model.Task;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** A saved tree or snapshot beyond limbo's bounds: the CLI prints the message and exits 3. */
    public static final class TooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TooLargeException(String message) {
            super(message);
        }
    }

    private final String display;
    private final List<ProcRoot> saved;
    private final ProcRoot live;
    /** Fewer, closer passes when the suspects are only zombies (0 = no such shortcut). */
    private int zombieOnlySamples;
    private long zombieOnlyIntervalMs;

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
        String shown = arg.replaceAll("/+$", "");
        if (Files.isRegularFile(p)) {
            String n = p.getFileName().toString();
            if (!(n.endsWith(".tar.gz") || n.endsWith(".tgz"))) {
                throw new BadRootException("not a procfs root or snapshot (.tar.gz): " + arg);
            }
            // Read into memory, never extracted: nothing to write, to leave behind or to follow.
            ArchiveTree tree;
            try {
                tree = Archive.read(p);
            } catch (Archive.TooLargeException e) {
                throw new BadRootException("snapshot too large: " + arg + ": " + e.getMessage());
            } catch (OutOfMemoryError e) {
                // within the caps but not within this JVM's heap (-Xmx): the tree is dropped, say so
                throw new BadRootException("snapshot too large: " + arg + ": does not fit in "
                        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB of heap");
            } catch (Archive.RefusedEntryException e) {
                throw new BadRootException("refused snapshot " + arg + ": " + e.getMessage());
            } catch (Archive.CorruptArchiveException e) {
                throw new BadRootException("corrupt snapshot " + arg + ": " + e.getMessage());
            } catch (IOException e) {
                throw new BadRootException("cannot read snapshot " + arg + ": " + reason(e));
            }
            return fromTop(ProcRoot.ofArchive(tree, shown), arg);
        }
        if (!Files.isDirectory(p)) {
            throw new BadRootException("not a directory: " + arg);
        }
        if (p.toAbsolutePath().normalize().equals(Path.of("/proc"))) {
            return live();
        }
        if (isProcfs(p)) {
            // A live procfs mounted elsewhere (a container's view of the host: -v /proc:/host/proc).
            // Only its root will do: /proc/1 is a procfs directory too, but holds no processes.
            if (!Files.isRegularFile(p.resolve("uptime"))) {
                throw new BadRootException(Files.isRegularFile(p.resolve("status"))
                        ? arg + " is one process's directory, not the root of a procfs"
                        : "not the root of a procfs (no uptime): " + arg);
            }
            return new ProcSource(arg, null, ProcRoot.liveAt(p, shown));
        }
        return openSaved(p, arg, new ProcRoot.WalkBudget(ProcRoot.WalkBudget.DEFAULT_OPERATIONS,
                ProcRoot.WalkBudget.DEFAULT_DIRECTORY_ENTRIES));
    }

    /** A saved directory with the given walk budget (tests use small ones). */
    static ProcSource openSaved(Path p, String arg, ProcRoot.WalkBudget budget) throws BadRootException {
        try {
            return fromTop(ProcRoot.saved(p, arg.replaceAll("/+$", ""), budget), arg);
        } catch (IOException e) {
            throw new BadRootException("cannot read " + arg + ": " + reason(e));
        }
    }

    private static String reason(IOException e) {
        return e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : String.valueOf(e.getMessage());
    }

    /** A saved tree or snapshot: samples/0..n under {@code top}, or a single tree at {@code top}. */
    private static ProcSource fromTop(ProcRoot top, String display) throws BadRootException {
        if (top.isDirectory("samples")) {
            TreeMap<Integer, ProcRoot> roots = new TreeMap<>();
            String[] names = top.list("samples");
            for (String n : names == null ? new String[0] : names) {
                int i = Sampler.pidOf(n);
                if (i >= 0 && top.isDirectory("samples/" + n)) {
                    try {
                        roots.put(i, top.sub("samples/" + n, top.display("samples/" + n)));
                    } catch (IOException e) {
                        // a sample that cannot be opened (a link, gone) is no sample
                    }
                }
            }
            if (roots.isEmpty()) {
                throw new BadRootException("snapshot has no samples: " + display);
            }
            tooLarge(top);
            return new ProcSource(display, new ArrayList<>(roots.values()), null);
        }
        if (!looksLikeProc(top)) {
            tooLarge(top);
            throw new BadRootException("not a procfs root (no PID directories, no stat or uptime): " + display);
        }
        return new ProcSource(display, List.of(top), null);
    }

    private static void tooLarge(ProcRoot root) throws BadRootException {
        if (root.budget() != null && root.budget().exceeded() != null) {
            throw new BadRootException("saved tree too large: " + root.display("").replaceAll("/+$", "") + ": " + root.budget().exceeded());
        }
    }

    /** Whether dir is a mounted procfs (not a saved copy). */
    private static boolean isProcfs(Path dir) {
        try {
            return Files.getFileStore(dir).type().equals("proc");
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static boolean looksLikeProc(ProcRoot root) {
        String[] names = root.list("");
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
                ProcRoot.WalkBudget budget = saved.get(i).budget();
                if (budget != null && budget.exceeded() != null) {
                    // what was read is incomplete: no diagnosis from part of a tree
                    throw new TooLargeException("saved tree too large: " + display + ": " + budget.exceeded());
                }
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

    /** Nothing to release: a snapshot is read into memory, never extracted. */
    @Override
    public void close() {
    }
}
