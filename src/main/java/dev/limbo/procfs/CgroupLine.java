package dev.limbo.procfs;

/** One line of /proc/PID/cgroup: {@code hierarchy-id:controllers:path} (v2 is {@code 0::path}). */
public record CgroupLine(int hierarchyId, String controllers, String path, String line) {
}
