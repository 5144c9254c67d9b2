package dev.limbo.rules;

/**
 * Tunables of the rules.
 *
 * @param zombieThreshold zombie children of one parent from which {@code zombie-accumulation} fires
 * @param x86_64 syscall numbers may be decoded as x86_64 (only for the live host of that arch)
 */
public record RuleOptions(int zombieThreshold, boolean x86_64) {
    public static final RuleOptions DEFAULTS = new RuleOptions(10, false);
}
