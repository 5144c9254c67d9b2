import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Where a cold limbo start-up goes, step by step, in one fresh JVM (each step pays its own class
 * loading): picocli's model of the command tree, `--version` (a full dispatch that does nothing),
 * the first JNA call (Sysconf), a first `scan --samples 1`, then a second one (warm).
 *
 * <pre>javac -cp target/limbo.jar -d target/bench/probe bench/StartupProbe.java
 * java [launcher opts] -cp target/limbo.jar:target/bench/probe StartupProbe [scan args]</pre>
 */
public final class StartupProbe {
    public static void main(String[] args) throws Exception {
        long jvmStartMs = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        long mainAt = System.currentTimeMillis();
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, "UTF-8");
        String[] scan = args.length > 0 ? args : new String[] {"scan", "--samples", "1"};

        long t0 = System.nanoTime();
        new picocli.CommandLine(new dev.limbo.cli.Main());
        long t1 = System.nanoTime();
        dev.limbo.cli.Main.execute(sink, sink, "--version");
        long t2 = System.nanoTime();
        dev.limbo.procfs.Sysconf.clockTicksPerSecond();
        long t3 = System.nanoTime();
        int rc = dev.limbo.cli.Main.execute(sink, sink, scan);
        long t4 = System.nanoTime();
        dev.limbo.cli.Main.execute(sink, sink, scan);
        long t5 = System.nanoTime();

        System.out.printf("jvm start -> main        %7.1f ms (process start time has 10 ms resolution)%n",
                (double) (mainAt - jvmStartMs));
        System.out.printf("picocli model (all cmds) %7.1f ms%n", (t1 - t0) / 1e6);
        System.out.printf("--version dispatch       %7.1f ms%n", (t2 - t1) / 1e6);
        System.out.printf("JNA sysconf first call   %7.1f ms%n", (t3 - t2) / 1e6);
        System.out.printf("%-24s %7.1f ms (exit %d)%n", String.join(" ", scan) + " #1", (t4 - t3) / 1e6, rc);
        System.out.printf("%-24s %7.1f ms%n", String.join(" ", scan) + " #2", (t5 - t4) / 1e6);
        System.exit(0);
    }
}
