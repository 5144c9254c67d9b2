package dev.limbo.cli;

import picocli.CommandLine;

/** SPEC DURATION: {@code 500ms}, {@code 1s}, {@code 2m}, {@code 1h}, or a bare number of seconds. */
public final class DurationConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        long ms = parseMillis(value);
        if (ms < 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 1s, 2m, 1h, or seconds)");
        }
        return ms;
    }

    /** Milliseconds, or -1 when the text is not a duration. */
    public static long parseMillis(String value) {
        if (value == null) {
            return -1;
        }
        String v = value.strip();
        double factor = 1000;
        String num = v;
        if (v.endsWith("ms")) {
            factor = 1;
            num = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            num = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            factor = 60_000;
            num = v.substring(0, v.length() - 1);
        } else if (v.endsWith("h")) {
            factor = 3_600_000;
            num = v.substring(0, v.length() - 1);
        }
        // Plain decimal digits only: Double.parseDouble would also take "10d", "3f" or "1e3".
        if (!num.matches("[0-9]{1,12}(\\.[0-9]{1,9})?")) {
            return -1;
        }
        return Math.round(Double.parseDouble(num) * factor);
    }
}
