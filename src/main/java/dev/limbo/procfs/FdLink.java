package dev.limbo.procfs;

/**
 * An open file: the /proc/PID/fd/N link target, and from /proc/PID/fdinfo/N the mount id
 * (kernels 3.15+; -1 when absent) and the inode number ({@code ino:}, recent kernels; -1 when
 * absent). Never stat()ed: that could block on the very file a task is stuck on.
 *
 * @param linkPath the fd link as read (for evidence), or null
 * @param infoPath the fdinfo file as read (for evidence), or null
 */
public record FdLink(int fd, String target, int mountId, long inode, String linkPath, String infoPath) {
    public FdLink(int fd, String target, int mountId) {
        this(fd, target, mountId, -1, null, null);
    }
}
