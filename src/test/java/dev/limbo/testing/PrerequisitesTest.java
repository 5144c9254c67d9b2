package dev.limbo.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** A missing prerequisite skips a test, except in a CI run, where it fails it. */
class PrerequisitesTest {
    @Test
    void aPrerequisiteThatHoldsLetsTheTestRun() {
        assertThatCode(() -> Prerequisites.require(true, "never shown")).doesNotThrowAnyException();
    }

    @Test
    void underCiAMissingPrerequisiteFails() {
        String before = System.getProperty("limbo.ci");
        System.setProperty("limbo.ci", "true");
        try {
            assertThatThrownBy(() -> Prerequisites.require(false, "no /dev/fuse"))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("LIMBO_CI=1").hasMessageContaining("no /dev/fuse");
        } finally {
            restore(before);
        }
    }

    @Test
    void elsewhereItSkipsWithTheReason() {
        String before = System.getProperty("limbo.ci");
        System.clearProperty("limbo.ci");
        try {
            if ("1".equals(System.getenv("LIMBO_CI"))) {
                // this JVM is a CI run: the same call must fail
                assertThatThrownBy(() -> Prerequisites.require(false, "no /dev/fuse")).isInstanceOf(AssertionError.class);
            } else {
                assertThatThrownBy(() -> Prerequisites.require(false, () -> "no /dev/fuse"))
                        .isInstanceOf(TestAbortedException.class).hasMessageContaining("no /dev/fuse");
            }
        } finally {
            restore(before);
        }
    }

    private static void restore(String before) {
        if (before == null) {
            System.clearProperty("limbo.ci");
        } else {
            System.setProperty("limbo.ci", before);
        }
    }
}
