package dev.limbo.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A missing message key fails the tests (limbo.texts.strict, set by the build) instead of printing the key. */
class TextsTest {
    @Test
    void theBuildRunsTheTestsStrict() {
        assertThat(Boolean.getBoolean("limbo.texts.strict")).as("surefire sets limbo.texts.strict=true").isTrue();
    }

    @Test
    void aMissingKeyFailsInsteadOfPrintingTheKey() {
        for (String lang : new String[] {"en", "zh"}) {
            assertThatThrownBy(() -> Texts.of(lang).get("hung-task.cause.no-such-sentence"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("hung-task.cause.no-such-sentence");
            assertThat(Texts.of(lang).has("hung-task.cause.no-such-sentence")).isFalse();
        }
    }

    @Test
    void placeholdersAreReplacedLiterally() {
        assertThat(Texts.of("en").get("text.pid", 42)).isEqualTo("pid 42");
        assertThat(Texts.of("zh").get("text.pid", 42)).isEqualTo("进程 42");
    }
}
