package dev.limbo.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A real {@code bin/limbo} process: the repository's launcher, copied next to a
 * {@code target/limbo.jar} that is a manifest-only jar over the test classpath (the shaded jar
 * is only built after the tests). So the launcher's own options (heap limits, GC) apply, and the
 * process can be signalled and measured: its peak RSS is sampled from /proc/PID/status (VmHWM)
 * while it runs.
 */
final class LimboProcess {
    final int code;
    final String out;
    final String err;
    final long millis;
    /** Highest VmHWM seen while it ran, in kB (sampled every 10 ms, so a lower bound of the true peak). */
    final long peakRssKb;
    final String javaCmdline;

    private LimboProcess(int code, String out, String err, long millis, long peakRssKb, String javaCmdline) {
        this.code = code;
        this.out = out;
        this.err = err;
        this.millis = millis;
        this.peakRssKb = peakRssKb;
        this.javaCmdline = javaCmdline;
    }

    /** Makes DIR/bin/limbo and DIR/target/limbo.jar. */
    static Path install(Path dir) throws IOException {
        Path repo = Path.of(System.getProperty("limbo.repo", "."));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(repo.resolve("bin/limbo"), bin.resolve("limbo"), StandardCopyOption.REPLACE_EXISTING);
        bin.resolve("limbo").toFile().setExecutable(true);
        Path jar = Files.createDirectories(dir.resolve("target")).resolve("limbo.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.limbo.cli.Main");
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                cp.add(new File(e).toURI().toString());
            }
        }
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", cp));
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o, m)) {
            j.flush();
        }
        return bin.resolve("limbo");
    }

    /** Runs {@code prefix... launcher args...}; {@code whileRunning} gets the process after it started. */
    static LimboProcess run(Path launcher, Map<String, String> env, List<String> prefix, List<String> args, long timeoutMs,
            java.util.function.Consumer<Process> whileRunning) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(launcher.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LIMBO_NO_CDS", "1");
        pb.environment().putAll(env);
        Path outFile = Files.createTempFile("limbo-out", ".txt");
        Path errFile = Files.createTempFile("limbo-err", ".txt");
        pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        long peak = 0;
        String javaCmdline = "";
        boolean told = false;
        try {
            long deadline = t0 + timeoutMs * 1_000_000L;
            while (p.isAlive() && System.nanoTime() < deadline) {
                long hwm = vmHwmKb(p.pid());
                peak = Math.max(peak, hwm);
                if (javaCmdline.isEmpty() || !javaCmdline.contains("java")) {
                    javaCmdline = cmdline(p.pid());
                }
                if (!told && whileRunning != null && javaCmdline.contains("limbo.jar")) {
                    told = true;
                    whileRunning.accept(p);
                }
                p.waitFor(10, TimeUnit.MILLISECONDS);
            }
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("limbo " + args + " still running after " + timeoutMs + " ms");
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            return new LimboProcess(p.exitValue(), Files.readString(outFile, StandardCharsets.UTF_8),
                    Files.readString(errFile, StandardCharsets.UTF_8), ms, peak, javaCmdline);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            Files.deleteIfExists(outFile);
            Files.deleteIfExists(errFile);
        }
    }

    static long vmHwmKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return "exit " + code + ", " + millis + " ms, peak RSS " + (peakRssKb >> 10) + " MB; stdout: " + out.strip()
                + "; stderr: " + err.strip();
    }
}
