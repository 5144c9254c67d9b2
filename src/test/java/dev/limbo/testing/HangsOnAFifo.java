package dev.limbo.testing;

import java.io.FileInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A deliberately hanging test, run only by {@link HarnessTimeoutTest} in a child JVM (its name
 * keeps Surefire from picking it up): {@code open()} of a FIFO that nobody opens for writing
 * blocks forever and ignores interrupts, like a read of a held {@code /proc/PID/cmdline}.
 */
class HangsOnAFifo {
    static final String FIFO = "limbo.harness.fifo";
    static final String OPENING = "HangsOnAFifo: opening the FIFO";

    @Test
    @EnabledIfSystemProperty(named = FIFO, matches = ".+")
    void opensAFifoNobodyWrites() throws IOException {
        System.out.println(OPENING);
        System.out.flush();
        try (FileInputStream in = new FileInputStream(System.getProperty(FIFO))) {
            in.read();
        }
    }
}
