package dev.limbo.procfs;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** Host constants through libc, loaded only when first needed (JNA costs start-up time). */
public final class Sysconf {
    private static final int SC_CLK_TCK = 2;
    private static volatile long clockTicks = -1;

    private Sysconf() {
    }

    interface LibC extends Library {
        long sysconf(int name);

        int geteuid();
    }

    private static final class Holder {
        static final LibC LIBC = load();

        private static LibC load() {
            try {
                return Native.load("c", LibC.class);
            } catch (Throwable e) {
                return null;
            }
        }
    }

    /** USER_HZ, the unit of the times in /proc/PID/stat (100 on nearly every kernel). */
    public static long clockTicksPerSecond() {
        long v = clockTicks;
        if (v <= 0) {
            v = 100;
            LibC libc = Holder.LIBC;
            if (libc != null) {
                long r = libc.sysconf(SC_CLK_TCK);
                if (r > 0) {
                    v = r;
                }
            }
            clockTicks = v;
        }
        return v;
    }

    /** The effective uid, or -1 when libc cannot be reached. */
    public static int effectiveUid() {
        LibC libc = Holder.LIBC;
        return libc == null ? -1 : libc.geteuid();
    }
}
