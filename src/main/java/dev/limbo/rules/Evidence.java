package dev.limbo.rules;

/** One line read from /proc, verbatim, and the path it was read from. */
public record Evidence(String path, String line) {
}
