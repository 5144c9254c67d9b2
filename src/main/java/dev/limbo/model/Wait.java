package dev.limbo.model;

import dev.limbo.procfs.StackFrame;

/**
 * The classification of one D task's wait.
 *
 * @param killable TRUE when the frames name a killable wait, FALSE when known unkillable, null unknown
 * @param exiting the task is inside do_exit (stack) or has PF_EXITING (stat flags)
 * @param frame the frame that decided the kind (null when judged from wchan or syscall)
 * @param module the driver module named by the deciding frame, if any
 * @param basis what the judgement rests on: "stack", "wchan", "syscall" or "none"
 * @param fuseConnection the FUSE connection id (fusectl name), or -1
 * @param file the file the task's syscall names, when known
 */
public record Wait(
        WaitKind kind,
        Boolean killable,
        boolean exiting,
        StackFrame frame,
        String function,
        String module,
        String basis,
        long fuseConnection,
        String file,
        String mountPoint) {
}
