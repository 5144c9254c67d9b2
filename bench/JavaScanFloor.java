import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The least a Java scan can do, as a yardstick between the C baseline and limbo: list /proc, list
 * each task dir, read each task's stat once into a reused buffer and pick out its state letter
 * (after the last ')'). With THREADS > 1 the processes are shared out among that many threads.
 *
 * <pre>java bench/JavaScanFloor.java [RUNS [THREADS [PROC_ROOT]]]</pre>
 *
 * Prints "run=i threads=T tasks=N zombies=Z dstate=D ns=X cpu_ms=C" per run; run 1 is cold.
 */
public final class JavaScanFloor {
    static long cpuMs() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String root = args.length > 2 ? args[2] : "/proc";
        for (int r = 1; r <= runs; r++) {
            long c0 = cpuMs();
            long t0 = System.nanoTime();
            int[] counts = scan(root, threads);
            long t1 = System.nanoTime();
            long c1 = cpuMs();
            System.out.println("run=" + r + " threads=" + threads + " tasks=" + counts[0] + " zombies=" + counts[1]
                    + " dstate=" + counts[2] + " ns=" + (t1 - t0) + " cpu_ms=" + (c1 - c0));
        }
    }

    static int[] scan(String root, int threads) throws InterruptedException {
        String[] pids = new File(root).list();
        if (pids == null) {
            throw new IllegalStateException("cannot list " + root);
        }
        AtomicInteger next = new AtomicInteger();
        int[][] per = new int[threads][3];
        Thread[] ts = new Thread[threads];
        for (int w = 0; w < threads; w++) {
            final int[] c = per[w];
            Runnable body = () -> {
                byte[] buf = new byte[1024];
                StringBuilder path = new StringBuilder(64);
                for (int i; (i = next.getAndIncrement()) < pids.length; ) {
                    String pid = pids[i];
                    if (pid.isEmpty() || pid.charAt(0) > '9' || pid.charAt(0) < '0') {
                        continue;
                    }
                    String taskDir = root + "/" + pid + "/task";
                    String[] tids = new File(taskDir).list();
                    if (tids == null) {
                        continue; // gone
                    }
                    for (String tid : tids) {
                        path.setLength(0);
                        path.append(taskDir).append('/').append(tid).append("/stat");
                        int n;
                        try (RandomAccessFile f = new RandomAccessFile(path.toString(), "r")) {
                            n = f.read(buf);
                        } catch (IOException gone) {
                            continue;
                        }
                        int close = -1;
                        for (int k = n - 1; k >= 0; k--) {
                            if (buf[k] == ')') {
                                close = k;
                                break;
                            }
                        }
                        if (close < 0 || close + 2 >= n) {
                            continue;
                        }
                        c[0]++;
                        byte state = buf[close + 2];
                        if (state == 'Z') {
                            c[1]++;
                        } else if (state == 'D') {
                            c[2]++;
                        }
                    }
                }
            };
            if (threads == 1) {
                body.run();
            } else {
                ts[w] = new Thread(body, "scan-" + w);
                ts[w].start();
            }
        }
        if (threads > 1) {
            for (Thread t : ts) {
                t.join();
            }
        }
        int[] sum = new int[3];
        for (int[] c : per) {
            for (int k = 0; k < 3; k++) {
                sum[k] += c[k];
            }
        }
        return sum;
    }
}
