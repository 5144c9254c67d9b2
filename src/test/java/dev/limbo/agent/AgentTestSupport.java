package dev.limbo.agent;

import dev.limbo.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/** Shared by the agent and check/watch tests: saved trees, running limbo in-process, a live zombie. */
public final class AgentTestSupport {
    private AgentTestSupport() {
    }

    /** A test resource directory, e.g. {@code cases-agent/seed}. */
    public static Path resource(String name) {
        try {
            return Path.of(AgentTestSupport.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path seed() {
        return resource("cases-agent/seed");
    }

    /** Output of one in-process run. */
    public record Run(int code, String out, String err) {
        public String firstLine() {
            int nl = out.indexOf('\n');
            return nl < 0 ? out : out.substring(0, nl);
        }
    }

    public static Run limbo(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A snapshot of the founding case seen twice, {@code spanSeconds} apart (uptime files), so
     * that the zombie and the D thread have been observed stuck for that long.
     */
    public static Path seedTwice(Path dir, double spanSeconds) throws IOException {
        for (int i = 0; i < 2; i++) {
            Path s = dir.resolve("samples/" + i);
            copyTree(seed(), s);
            Files.writeString(s.resolve("uptime"), (1000 + i * spanSeconds) + " 500.00\n");
        }
        return dir;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A real zombie: {@code sh} starts a short {@code sleep} in the background and then blocks
     * reading its stdin without reaping; the sleep exits and stays a zombie child of the live sh.
     * {@link #close()} closes sh's stdin: sh waits (reaping the zombie) and exits, and we reap sh.
     * Nothing is orphaned.
     */
    public static final class Zombie implements AutoCloseable {
        public final Process parent;
        public final int pid;

        public Zombie() throws IOException, InterruptedException {
            parent = new ProcessBuilder("sh", "-c", "sleep 0.05 & echo $!; read x; wait")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            InputStream in = parent.getInputStream();
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                b.append((char) c);
            }
            pid = Integer.parseInt(b.toString().strip());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!isZombie(pid)) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("child " + pid + " did not become a zombie");
                }
                Thread.sleep(20);
            }
        }

        public long parentPid() {
            return parent.pid();
        }

        static boolean isZombie(int pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
            } catch (IOException e) {
                return false;
            }
        }

        /** Releases the zombie (its parent reaps it) and reaps the parent. */
        public void release() throws InterruptedException {
            try {
                parent.getOutputStream().close();
            } catch (IOException e) {
                // already closed
            }
            if (!parent.waitFor(10, TimeUnit.SECONDS)) {
                parent.destroyForcibly();
                parent.waitFor(10, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() throws InterruptedException {
            release();
        }
    }
}
