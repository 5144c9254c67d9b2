package dev.limbo.rules;

/** What every rule has: its id and default severity. */
abstract class BaseRule implements Rule {
    private final String id;
    private final Severity defaultSeverity;

    BaseRule(String id, Severity defaultSeverity) {
        this.id = id;
        this.defaultSeverity = defaultSeverity;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Severity defaultSeverity() {
        return defaultSeverity;
    }
}
