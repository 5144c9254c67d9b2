package dev.limbo.rules;

/** Finding severities, worst first. */
public enum Severity {
    CRITICAL, WARNING, INFO;

    public boolean atLeast(Severity other) {
        return ordinal() <= other.ordinal();
    }
}
