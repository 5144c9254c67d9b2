package dev.limbo.procfs;

/** One /proc/PID/mountinfo line: the mount's id, device, mount point and filesystem type. */
public record MountInfo(int mountId, int major, int minor, String mountPoint, String fsType, String source, String line) {
    /** The FUSE connection id as fusectl names it: {@code major << 20 | minor} of st_dev. */
    public long fuseConnectionId() {
        return ((long) major << 20) | minor;
    }

    public boolean isFuse() {
        return fsType.equals("fuse") || fsType.startsWith("fuse.") || fsType.equals("fuseblk");
    }
}
