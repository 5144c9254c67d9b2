package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({
        "500ms,500", "1s,1000", "2m,120000", "1h,3600000", "5,5000", "0,0", "1.5s,1500", "0.25,250",
        "' 2s ',2000", "250ms,250", "0ms,0", "90m,5400000"})
    void durations(String text, long millis) {
        assertThat(DurationConverter.parseMillis(text)).isEqualTo(millis);
        assertThat(new DurationConverter().convert(text)).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "ms", "s", "-1", "-1s", "abc", "1x", "s1", "NaN", "Infinity", ".5s", "1 s s", "1hms"})
    void notDurations(String text) {
        assertThat(DurationConverter.parseMillis(text)).isEqualTo(-1);
        assertThatThrownBy(() -> new DurationConverter().convert(text))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("not a duration");
    }

    @Test
    void nullIsNotADuration() {
        assertThat(DurationConverter.parseMillis(null)).isEqualTo(-1);
    }

    /**
     * Regression (was a bug in src/main, fixed on main) (DurationConverter.parseMillis): Double.parseDouble accepts Java literal
     * suffixes and exponents, so "10d" (ten days?) is taken as 10 seconds, "3f" as 3 s and "1e3"
     * as 1000 s. SPEC DURATION is 500ms, 1s, 2m, 1h or a bare number of seconds. Fix: accept only
     * {@code \d+(\.\d+)?} as the number (as main now does).
     */
    @ParameterizedTest
    @ValueSource(strings = {"10d", "3f", "2D", "1e3", "1e3s", "0x10"})
    void bugJavaLiteralSuffixesAreNotDurations(String text) {
        assertThat(DurationConverter.parseMillis(text)).as(text).isEqualTo(-1);
    }
}
