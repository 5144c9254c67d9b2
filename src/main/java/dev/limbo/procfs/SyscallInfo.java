package dev.limbo.procfs;

import java.util.List;

/**
 * /proc/PID/syscall: {@code running}; {@code -1 SP PC} when not in a syscall; or
 * {@code NR ARG1..ARG6 SP PC}. Arguments are kept as the hex text the kernel printed.
 */
public record SyscallInfo(Kind kind, int number, List<String> args, String line) {
    public enum Kind { RUNNING, NOT_IN_SYSCALL, IN_SYSCALL }

    /** Name of the syscall on x86_64, for the few numbers the diagnosis cares about, or null. */
    public String x86_64Name() {
        if (kind != Kind.IN_SYSCALL) {
            return null;
        }
        switch (number) {
            case 0: return "read";
            case 1: return "write";
            case 3: return "close";
            case 7: return "poll";
            case 17: return "pread64";
            case 18: return "pwrite64";
            case 23: return "select";
            case 34: return "pause";
            case 35: return "nanosleep";
            case 56: return "clone";
            case 57: return "fork";
            case 58: return "vfork";
            case 59: return "execve";
            case 60: return "exit";
            case 61: return "wait4";
            case 74: return "fsync";
            case 202: return "futex";
            case 230: return "clock_nanosleep";
            case 231: return "exit_group";
            case 232: return "epoll_wait";
            case 247: return "waitid";
            case 281: return "epoll_pwait";
            case 435: return "clone3";
            default: return null;
        }
    }
}
