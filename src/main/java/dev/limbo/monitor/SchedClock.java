package dev.limbo.monitor;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import dev.limbo.procfs.ProcRoot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Converts a task's {@code se.exec_start} (from {@code /proc/PID/task/TID/sched}) into this JVM's
 * {@link System#nanoTime()} domain. {@code exec_start} is the task clock of the CPU the task ran
 * on ({@code rq_clock_task}), which leaves out that CPU's interrupt and steal time; CPUs drift
 * apart by the difference (seconds after an hour, hours after months on a host whose network
 * interrupts all land on one CPU). So the offset is measured per CPU: a short-lived thread pins
 * itself to each CPU in turn (sched_setaffinity), reads its own {@code se.exec_start} there and
 * {@code System.nanoTime()} at once. A task's time off-CPU is then judged against the clock of the
 * CPU it last ran on ({@code processor}, field 39 of its stat). The remaining error is the
 * interrupt/steal time that CPU accrued while the task was stuck (an underestimate, usually a few
 * percent) plus a few milliseconds.
 */
public final class SchedClock {
    private static final int MASK_BYTES = 1024; // 8192 CPUs

    interface CLib extends Library {
        int sched_setaffinity(int pid, NativeLong size, byte[] mask);
    }

    private static final class Holder {
        static final CLib LIBC = load();

        private static CLib load() {
            try {
                return Native.load("c", CLib.class);
            } catch (Throwable e) {
                return null;
            }
        }
    }

    /** Per CPU: exec_start (ms) minus nanoTime (ms) at calibration; NaN where unmeasured. */
    private final double[] offsetMs;
    /** Fallback when a CPU could not be measured: the reading thread's own offset. */
    private final double anyOffsetMs;

    private SchedClock(double[] offsetMs, double anyOffsetMs) {
        this.offsetMs = offsetMs;
        this.anyOffsetMs = anyOffsetMs;
    }

    /** Measures every CPU; a CPU we may not run on (cpuset) stays unmeasured. */
    public static SchedClock calibrate(ProcRoot root) {
        double any = ownOffset(root);
        List<Integer> cpus = cpus(root);
        int max = cpus.stream().mapToInt(Integer::intValue).max().orElse(-1);
        double[] off = new double[max + 1];
        Arrays.fill(off, Double.NaN);
        CLib libc = Holder.LIBC;
        if (libc != null && max >= 0 && max < MASK_BYTES * 8) {
            Thread t = new Thread(() -> {
                for (int cpu : cpus) {
                    byte[] mask = new byte[MASK_BYTES];
                    mask[cpu / 8] |= (byte) (1 << (cpu % 8));
                    try {
                        if (libc.sched_setaffinity(0, new NativeLong(MASK_BYTES), mask) != 0) {
                            continue;
                        }
                    } catch (Throwable e) {
                        return;
                    }
                    // Two tries: the first may straddle the migration.
                    for (int i = 0; i < 2; i++) {
                        if (processor(root.read("thread-self/stat").text()) == cpu) {
                            double o = ownOffset(root);
                            if (!Double.isNaN(o) && processor(root.read("thread-self/stat").text()) == cpu) {
                                off[cpu] = Double.isNaN(off[cpu]) ? o : Math.max(off[cpu], o);
                            }
                        }
                    }
                }
            }, "limbo-clock");
            t.setDaemon(true);
            t.start();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new SchedClock(off, any);
    }

    static SchedClock uncalibrated(ProcRoot root) {
        return new SchedClock(new double[0], ownOffset(root));
    }

    /** The calling thread's exec_start minus nanoTime, in ms; NaN when unreadable. */
    private static double ownOffset(ProcRoot root) {
        double exec = StuckAges.execStartMs(root.read("thread-self/sched").text());
        long n = System.nanoTime();
        return exec < 0 ? Double.NaN : exec - n / 1e6;
    }

    /** Seconds from the task's exec_start (on the given CPU) to now; -1 when unknown. */
    double secondsSince(double execStartMs, int cpu) {
        double o = cpu >= 0 && cpu < offsetMs.length && !Double.isNaN(offsetMs[cpu]) ? offsetMs[cpu] : anyOffsetMs;
        if (Double.isNaN(o) || execStartMs < 0) {
            return -1;
        }
        double startNanoMs = execStartMs - o;
        return Math.max(0, (System.nanoTime() / 1e6 - startNanoMs) / 1000.0);
    }

    boolean calibrated(int cpu) {
        return cpu >= 0 && cpu < offsetMs.length && !Double.isNaN(offsetMs[cpu]);
    }

    /** Field 39 (processor) of a stat line, or -1. */
    static int processor(String stat) {
        if (stat == null) {
            return -1;
        }
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 > stat.length()) {
            return -1;
        }
        String[] f = stat.substring(close + 2).strip().split(" ");
        if (f.length <= 36) {
            return -1;
        }
        try {
            return Integer.parseInt(f[36]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static List<Integer> cpus(ProcRoot root) {
        List<Integer> out = new ArrayList<>();
        String stat = root.read("stat").text();
        if (stat == null) {
            return out;
        }
        for (String line : stat.split("\n")) {
            if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3))) {
                int sp = line.indexOf(' ');
                try {
                    out.add(Integer.parseInt(line.substring(3, sp)));
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // skip
                }
            }
        }
        return out;
    }
}
