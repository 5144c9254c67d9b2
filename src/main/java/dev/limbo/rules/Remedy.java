package dev.limbo.rules;

/** One remedy and what it risks. */
public record Remedy(String action, String risk) {
}
