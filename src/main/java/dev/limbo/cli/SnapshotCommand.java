package dev.limbo.cli;

import dev.limbo.procfs.Archive;
import dev.limbo.procfs.ProcRoot;
import dev.limbo.sampling.ProcSource;
import dev.limbo.procfs.IoErrors;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code limbo snapshot -o FILE}: saves exactly the /proc files a scan reads (never environ,
 * maps or mem) as samples/0..n in a tar.gz, mode 0600, for analysis elsewhere.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        header = "Saves the /proc subset the diagnosis needs as a .tar.gz.",
        description = "Saves the /proc subset the diagnosis needs (samples/0..n) as a .tar.gz (mode 0600).")
public final class SnapshotCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    CommonOptions common;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "the .tar.gz to write")
    Path output;

    @Override
    public Integer call() throws IOException {
        common.validate();
        String name = output.getFileName().toString();
        if (!(name.endsWith(".tar.gz") || name.endsWith(".tgz"))) {
            throw new Main.UsageError("snapshot file must end in .tar.gz or .tgz: " + output);
        }
        if (output.getParent() != null && !Files.isDirectory(output.getParent())) {
            throw new Main.UsageError("no such directory: " + output.getParent());
        }
        if (Files.isDirectory(output)) {
            throw new Main.UsageError("cannot write snapshot " + output + ": it is a directory");
        }
        ProcSource source = common.source();
        if (!source.isLive()) {
            throw new Main.UsageError("snapshot reads the live /proc; --proc-root " + source.display() + " is already saved");
        }
        // The temp file is made before sampling, so an unwritable place fails at once; it never outlives the run.
        Path tmp = output.resolveSibling("." + name + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new Main.UsageError("cannot write snapshot " + output + ": " + IoErrors.reason(e));
        }
        Thread cleanup = new Thread(() -> deleteQuietly(tmp), "limbo-snapshot-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return write(source, tmp);
        } catch (IOException e) {
            throw new Main.UsageError("cannot write snapshot " + output + ": " + IoErrors.reason(e));
        } finally {
            deleteQuietly(tmp);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // shutting down: the hook removes it
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // nothing more to do: the reason for the failure is already being reported
        }
    }

    private int write(ProcSource source, Path tmp) throws IOException {
        List<Map<String, byte[]>> files = new ArrayList<>();
        List<Map<String, String>> links = new ArrayList<>();
        ProcRoot root = source.liveRoot();
        int[] current = {0};
        root.record(new ProcRoot.Recorder() {
            @Override
            public synchronized void file(String rel, byte[] data) {
                files.get(current[0]).put(rel, data);
            }

            @Override
            public synchronized void link(String rel, String target) {
                links.get(current[0]).put(rel, target);
            }
        });
        var obs = source.observe(common.pool(true), common.samples(), common.intervalMs(), Set.of(), i -> {
            synchronized (files) {
                files.add(new TreeMap<>());
                links.add(new TreeMap<>());
                current[0] = i;
            }
        });
        root.record(null);
        // Reads that blocked leave a marker, so that a scan of the snapshot still reports them.
        for (int i = 0; i < obs.samples().size() && i < files.size(); i++) {
            for (var blocked : obs.samples().get(i).blockedReads()) {
                String rel = blocked.path().startsWith(root.display("")) ? blocked.path().substring(root.display("").length()) : null;
                if (rel != null) {
                    files.get(i).put(rel + ProcRoot.TIMED_OUT_SUFFIX,
                            String.valueOf(blocked.waitedMillis()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
            }
        }
        int entries = 0;
        try (OutputStream raw = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING);
             Archive.Writer w = new Archive.Writer(raw)) {
            for (int i = 0; i < files.size(); i++) {
                String base = "samples/" + i + "/";
                for (Map.Entry<String, byte[]> e : files.get(i).entrySet()) {
                    w.file(base + e.getKey(), e.getValue());
                    entries++;
                }
                for (Map.Entry<String, String> e : links.get(i).entrySet()) {
                    w.symlink(base + e.getKey(), e.getValue());
                    entries++;
                }
            }
        }
        Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        main.err.println("limbo: wrote " + output + " (" + obs.samples().size() + " sample(s), " + entries + " files, "
                + obs.first().processes().size() + " processes)");
        return 0;
    }
}
