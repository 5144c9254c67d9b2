package dev.limbo.model;

/** What a task in D is waiting on, as far as its stack, wchan and syscall show. */
public enum WaitKind {
    FUSE, NFS, CIFS, VHOST_AIO, AIO, DRIVER_MODULE, JOURNAL, BLOCK_IO, MMAP_LOCK, LOCK, FILE_LOCK, VFORK,
    COREDUMP, FREEZER, PTRACE_STOP, EXEC, EXIT_PATH, UNKNOWN
}
