package dev.limbo.procfs;

/** A /proc read that did not complete within the read timeout: its thread was abandoned. */
public record BlockedRead(int pid, int tid, String path, long waitedMillis) {
}
