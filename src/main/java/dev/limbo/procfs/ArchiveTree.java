package dev.limbo.procfs;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot archive held in memory: files (their bytes), symlinks (their link text, never
 * followed) and the directories they imply. Paths are relative, '/'-separated, without empty,
 * "." or ".." parts ({@link Archive#normalize}). Filled once by {@link Archive#read}, then only read.
 */
public final class ArchiveTree {
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, String> links = new HashMap<>();
    /** Directory path ("" for the root) to the names directly in it. */
    private final Map<String, Set<String>> children = new HashMap<>();

    ArchiveTree() {
        children.put("", new LinkedHashSet<>());
    }

    /** A tree from the given files and links (tests, and in-memory copies of saved trees). */
    public static ArchiveTree of(Map<String, byte[]> files, Map<String, String> links) {
        ArchiveTree t = new ArchiveTree();
        files.forEach(t::file);
        links.forEach(t::link);
        return t;
    }

    void file(String path, byte[] data) {
        links.remove(path);
        files.put(path, data);
        addToParents(path);
    }

    void link(String path, String target) {
        files.remove(path);
        links.put(path, target);
        addToParents(path);
    }

    void directory(String path) {
        children.computeIfAbsent(path, p -> new LinkedHashSet<>());
        addToParents(path);
    }

    private void addToParents(String path) {
        String p = path;
        while (!p.isEmpty()) {
            int slash = p.lastIndexOf('/');
            String parent = slash < 0 ? "" : p.substring(0, slash);
            Set<String> names = children.computeIfAbsent(parent, x -> new LinkedHashSet<>());
            if (!names.add(p.substring(slash + 1))) {
                return; // the parent chain is already known
            }
            p = parent;
        }
    }

    /** A regular file's bytes, or null (missing, a link or a directory). */
    public byte[] file(String path) {
        return files.get(path);
    }

    /** A symlink's text, or null. */
    public String link(String path) {
        return links.get(path);
    }

    public boolean isDirectory(String path) {
        return children.containsKey(path);
    }

    /** The names in a directory, or null when there is no such directory. */
    public String[] list(String path) {
        Set<String> names = children.get(path);
        return names == null ? null : names.toArray(new String[0]);
    }

    /** Whether anything at all (file, link or directory) is at {@code path}. */
    public boolean exists(String path) {
        return files.containsKey(path) || links.containsKey(path) || children.containsKey(path);
    }

    public int fileCount() {
        return files.size();
    }

    public int linkCount() {
        return links.size();
    }
}
