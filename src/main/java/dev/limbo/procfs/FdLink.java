package dev.limbo.procfs;

/**
 * An open file: the /proc/PID/fd/N link target, and from /proc/PID/fdinfo/N the mount id
 * (kernels 3.15+; -1 when absent). Never stat()ed: that could block on the very file a task is
 * stuck on.
 */
public record FdLink(int fd, String target, int mountId) {
}
