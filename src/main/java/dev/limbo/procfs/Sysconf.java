package dev.limbo.procfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Host constants without native calls: USER_HZ from the ELF auxiliary vector (AT_CLKTCK in
 * /proc/self/auxv). (JNA costs ~0.1-0.5 s of start-up:
 * it extracts its native library and runs {@code ldconfig -p}.)
 */
public final class Sysconf {
    private static final int AT_CLKTCK = 17;
    private static volatile long clockTicks = -1;

    private Sysconf() {
    }

    /** USER_HZ, the unit of the times in /proc/PID/stat (100 on nearly every kernel). */
    public static long clockTicksPerSecond() {
        long v = clockTicks;
        if (v <= 0) {
            v = auxv(AT_CLKTCK);
            if (v <= 0) {
                v = 100;
            }
            clockTicks = v;
        }
        return v;
    }

    private static long auxv(int type) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Path.of("/proc/self/auxv"))).order(ByteOrder.nativeOrder());
            boolean wide = "64".equals(System.getProperty("sun.arch.data.model", "64"));
            while (b.remaining() >= (wide ? 16 : 8)) {
                long key = wide ? b.getLong() : b.getInt();
                long val = wide ? b.getLong() : b.getInt() & 0xffffffffL;
                if (key == type) {
                    return val;
                }
                if (key == 0) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }
}
