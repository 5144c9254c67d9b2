package dev.limbo.procfs;

/**
 * What this process may read: /proc/PID/stack needs CAP_SYS_ADMIN (since the CVE-2018-17972
 * fix) and ptrace access to the target. Read from our own /proc/self/status.
 */
public final class Privileges {
    private static final int CAP_SYS_ADMIN = 21;

    private Privileges() {
    }

    /** Whether kernel stacks of other users' tasks are readable (CAP_SYS_ADMIN in CapEff). */
    public static boolean canReadStacks() {
        TaskStatus self = StatusParser.parse(ProcRoot.live().read("self/status").text());
        if (self == null) {
            return false;
        }
        String capEff = self.line("CapEff");
        if (capEff == null) {
            return false;
        }
        SignalSet caps = SignalSet.parse(capEff.substring(capEff.indexOf(':') + 1));
        // A capability mask has the same shape as a signal mask: bit n is capability n.
        return caps != null && caps.contains(CAP_SYS_ADMIN + 1);
    }
}
