package dev.limbo.testing;

import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;

/**
 * The one way a test says "I cannot run here": outside CI a missing prerequisite skips the test
 * (with the reason); under CI ({@code LIMBO_CI=1}, exported by {@code .ci/run}) it fails it, because
 * CI installs everything the suite needs and a skip there would hide a group that never ran.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** True in a CI run: {@code LIMBO_CI=1} in the environment (or {@code -Dlimbo.ci=true}). */
    public static boolean underCi() {
        return "1".equals(System.getenv("LIMBO_CI")) || Boolean.getBoolean("limbo.ci");
    }

    /** Skips the calling test (outside CI) or fails it (under CI) unless {@code condition} holds. */
    public static void require(boolean condition, String reason) {
        if (!condition) {
            missing(reason);
        }
    }

    public static void require(boolean condition, Supplier<String> reason) {
        if (!condition) {
            missing(reason.get());
        }
    }

    /** Whether an executable of this name is on PATH. */
    public static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    /** Fails (under CI) or skips (elsewhere), always throwing. */
    public static RuntimeException missing(String reason) {
        if (underCi()) {
            throw new AssertionError("prerequisite missing in a CI run (LIMBO_CI=1 turns skips into failures): " + reason);
        }
        throw new TestAbortedException("prerequisite missing: " + reason);
    }
}
