package dev.limbo.model;

import dev.limbo.procfs.Read;

/**
 * One file as read, for showing raw evidence: its path, its text (null when it could not be
 * read) and, when absent, why (e.g. "missing", "timed_out"). Lets renderers show what was read
 * without knowing how /proc is read.
 */
public record RawFile(String path, String text, String absence) {

    static RawFile of(Read r) {
        return new RawFile(r.path(), r.ok() ? r.text() : null, r.ok() ? null : r.absence().name().toLowerCase());
    }

    public boolean ok() {
        return text != null;
    }
}
