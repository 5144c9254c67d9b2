package dev.limbo.model;

import dev.limbo.procfs.KernelStack;
import dev.limbo.procfs.Read;
import dev.limbo.procfs.SyscallInfo;
import dev.limbo.procfs.TaskStatus;

/** The deep reads of one task: status, kernel stack, wchan, syscall, comm; each may be absent. */
public record TaskDetail(
        TaskStatus status, Read statusRead,
        KernelStack stack, Read stackRead,
        String wchan, Read wchanRead,
        SyscallInfo syscall, Read syscallRead,
        String comm) {
}
