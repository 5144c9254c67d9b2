import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * In-process timing of a limbo command, after JVM start-up: calls the documented entry point
 * {@code dev.limbo.cli.Main.execute(out, err, args)} RUNS times in one JVM, output discarded.
 *
 * <pre>java -cp target/limbo.jar bench/ScanTimer.java RUNS scan [ARGS...]</pre>
 *
 * Prints one line per call, "call=i ns=T exit=E cpu_ms=C" (C: the JVM's CPU time during the call).
 * Call 1 is cold (class loading, interpreter); later calls show the warmed-up cost an agent pays.
 */
public final class ScanTimer {
    /** CPU time of the whole JVM (all threads, JIT and GC included), 10 ms resolution. */
    static long cpuMs() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ScanTimer RUNS COMMAND [ARGS...]");
            System.exit(2);
        }
        int runs = Integer.parseInt(args[0]);
        String[] cmd = Arrays.copyOfRange(args, 1, args.length);
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, "UTF-8");
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= runs; i++) {
            long c0 = cpuMs();
            long t0 = System.nanoTime();
            int rc = dev.limbo.cli.Main.execute(sink, sink, cmd);
            long t1 = System.nanoTime();
            long c1 = cpuMs();
            out.append("call=").append(i).append(" ns=").append(t1 - t0).append(" exit=").append(rc)
                    .append(" cpu_ms=").append(c1 - c0).append('\n');
        }
        System.out.print(out);
        System.out.flush();
        // The CLI may leave daemon threads (e.g. abandoned cmdline reads); do not wait for them.
        System.exit(0);
    }
}
