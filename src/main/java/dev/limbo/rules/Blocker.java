package dev.limbo.rules;

import java.util.List;

/**
 * Who must act for a task to be released (SPEC "JSON output": {@code blocker}). limbo fills the
 * {@code lock-holder} kind: the likely holder of the lock a task waits for, found from /proc.
 *
 * @param kind one of the SPEC's kinds, e.g. {@code lock-holder}
 * @param pid the holder's process (thread-group id), or null when there is none to name
 * @param tid the holder's thread, or null
 * @param name a human name, e.g. {@code 1234 (comm)}
 * @param detail one sentence: what it holds and what it waits for itself
 * @param evidence the lines that tie the holder to the lock, verbatim
 */
public record Blocker(String kind, Integer pid, Integer tid, String name, String detail, List<Evidence> evidence) {
    public static final String LOCK_HOLDER = "lock-holder";
}
