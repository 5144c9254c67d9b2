package dev.limbo.monitor;

/**
 * A threshold range in the monitoring plugin syntax ({@code [@]start:end}): {@code 10} alerts
 * outside 0..10 (so above 10), {@code 10:} below 10, {@code ~:10} above 10, {@code 10:20} outside
 * 10..20, {@code @10:20} inside 10..20 (inclusive). {@code ~} is minus infinity; an empty end is
 * plus infinity.
 */
public record NagiosRange(String text, double start, double end, boolean inside) {

    /** Parses one range; throws {@link IllegalArgumentException} with a one-line reason. */
    public static NagiosRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty threshold range");
        }
        String t = text.strip();
        boolean inside = false;
        String body = t;
        if (body.startsWith("@")) {
            inside = true;
            body = body.substring(1);
        }
        double start = 0;
        double end;
        int colon = body.indexOf(':');
        if (colon < 0) {
            end = number(body, t);
        } else {
            String a = body.substring(0, colon);
            String b = body.substring(colon + 1);
            if (a.equals("~")) {
                start = Double.NEGATIVE_INFINITY;
            } else if (!a.isEmpty()) {
                start = number(a, t);
            }
            end = b.isEmpty() ? Double.POSITIVE_INFINITY : number(b, t);
        }
        if (start > end) {
            throw new IllegalArgumentException("threshold range '" + t + "': start is greater than end");
        }
        return new NagiosRange(t, start, end, inside);
    }

    private static double number(String s, String whole) {
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d) || Double.isInfinite(d) || s.endsWith("d") || s.endsWith("f") || s.endsWith("D") || s.endsWith("F")) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("threshold range '" + whole + "' is not in the form [@]start:end (e.g. 5, 5:, ~:5, 2:8, @2:8)");
        }
    }

    /** Whether the value raises an alert under this range. */
    public boolean alerts(double value) {
        boolean within = value >= start && value <= end;
        return inside == within;
    }
}
