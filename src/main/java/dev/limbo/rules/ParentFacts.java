package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Task;
import dev.limbo.procfs.SignalSet;
import dev.limbo.procfs.SyscallInfo;
import dev.limbo.procfs.Sysconf;
import dev.limbo.procfs.TaskStatus;
import java.util.Locale;

/** What a zombie's parent is doing and how it treats SIGCHLD: why it has not reaped. */
final class ParentFacts {
    private ParentFacts() {
    }

    /** What the parent's state means for the remedies. */
    enum Situation {
        /** Nothing special: the parent does not reap. */
        OTHER,
        /** The parent is stopped inside wait4()/waitid() for this child: SIGCONT resumes the wait. */
        STOPPED_IN_WAIT,
        /** The parent is in D: its SIGCHLD handler (or its next wait()) cannot run until that ends. */
        IN_D
    }

    static Situation describe(Context ctx, FindingBuilder b, ProcessInfo parent, int ppid) {
        return describe(ctx, b, parent, ppid, -1);
    }

    /** {@code child}: the zombie's pid (to tell a wait4() for it), or -1 for several children. */
    static Situation describe(Context ctx, FindingBuilder b, ProcessInfo parent, int ppid, int child) {
        if (parent == null || parent.leader() == null) {
            b.cause("parent.gone", ppid);
            return Situation.OTHER;
        }
        Task pl = parent.leader();
        b.state(pl).wchan(pl).syscall(pl).status(pl, "SigBlk", "SigIgn", "SigCgt", "ShdPnd");
        String state = pl.state().letter() + " (" + pl.state().label() + ")";
        boolean waiting = isWaiting(parent);
        Situation situation = Situation.OTHER;
        String waitCall = stoppedInWait(ctx, pl, child);
        if (waitCall != null) {
            situation = Situation.STOPPED_IN_WAIT;
            b.cause("parent.stopped.in-wait", ctx.name(parent, ppid), state, waitCall, child > 0 ? String.valueOf(child) : "?");
        } else if (waiting) {
            b.cause("parent.waiting", ctx.name(parent, ppid));
        } else {
            switch (pl.state()) {
                case RUNNING:
                    b.cause("parent.busy", ctx.name(parent, ppid), state);
                    break;
                case STOPPED:
                case TRACING_STOP:
                    b.cause("parent.stopped", ctx.name(parent, ppid), state);
                    break;
                default:
                    b.cause("parent.asleep", ctx.name(parent, ppid), state, sleepWhere(pl));
            }
        }
        boolean inD = pl.state().isUninterruptible();
        if (inD && situation == Situation.OTHER) {
            situation = Situation.IN_D;
        }
        TaskStatus s = pl.status();
        if (s != null && situation != Situation.STOPPED_IN_WAIT) {
            boolean pending = Context.has(s.shdPnd(), SignalSet.SIGCHLD) || Context.has(s.sigPnd(), SignalSet.SIGCHLD);
            if (Context.has(s.sigIgn(), SignalSet.SIGCHLD)) {
                b.cause("parent.sigchld.ignored");
            } else if (Context.has(s.sigBlk(), SignalSet.SIGCHLD)) {
                b.cause(pending ? "parent.sigchld.blocked.pending" : "parent.sigchld.blocked");
            } else if (Context.has(s.sigCgt(), SignalSet.SIGCHLD)) {
                if (inD) {
                    b.cause(pending ? "parent.sigchld.caught.in-d.pending" : "parent.sigchld.caught.in-d");
                } else if (pl.state() == dev.limbo.procfs.TaskState.STOPPED || pl.state() == dev.limbo.procfs.TaskState.TRACING_STOP) {
                    b.cause("parent.sigchld.caught.stopped");
                } else {
                    b.cause(pending ? "parent.sigchld.caught.pending" : "parent.sigchld.caught");
                }
            } else if (inD) {
                b.cause("parent.sigchld.default.in-d");
            } else {
                b.cause("parent.sigchld.default");
            }
        }
        return situation;
    }

    /**
     * "wait4()" when the parent is stopped (T or t) while its syscall file still shows wait4 or
     * waitid (x86_64 numbers) with a first argument that covers the child: -1, the child's pid,
     * or a process group (0 or negative). Null otherwise.
     */
    static String stoppedInWait(Context ctx, Task pl, int child) {
        if (!(pl.state() == dev.limbo.procfs.TaskState.STOPPED || pl.state() == dev.limbo.procfs.TaskState.TRACING_STOP)
                || !ctx.options().x86_64() || pl.detail() == null || pl.detail().syscall() == null) {
            return null;
        }
        SyscallInfo sc = pl.detail().syscall();
        if (sc.kind() != SyscallInfo.Kind.IN_SYSCALL || (sc.number() != 61 && sc.number() != 247) || sc.args().isEmpty()) {
            return null;
        }
        long who;
        try {
            String a = sc.args().get(0);
            who = Long.parseUnsignedLong(a.startsWith("0x") ? a.substring(2) : a, 16);
        } catch (NumberFormatException e) {
            return null;
        }
        if (sc.number() == 61) {
            int pid = (int) who;
            boolean covers = pid == -1 || pid <= 0 || child <= 0 || pid == child;
            return covers ? "wait4()" : null;
        }
        // waitid(idtype, id, ...): P_ALL 0, P_PID 1, P_PGID 2, P_PIDFD 3
        long id = 0;
        try {
            String a = sc.args().size() > 1 ? sc.args().get(1) : "0";
            id = Long.parseUnsignedLong(a.startsWith("0x") ? a.substring(2) : a, 16);
        } catch (NumberFormatException e) {
            return null;
        }
        boolean covers = who == 0 || who == 2 || who == 3 || child <= 0 || (who == 1 && (int) id == child);
        return covers ? "waitid()" : null;
    }

    /**
     * Adds the remedy that fits the parent's situation first (kill -CONT for a parent stopped in
     * its wait; releasing its own wait for a parent in D). Returns true when the generic "fix the
     * parent program" remedies still apply.
     */
    static boolean situationRemedies(Context ctx, FindingBuilder b, Situation sit, ProcessInfo parent, int ppid, String zombies) {
        switch (sit) {
            case STOPPED_IN_WAIT:
                b.remedy("parent.remedy.cont", ppid, zombies);
                return false;
            case IN_D:
                b.remedy("parent.remedy.release-d", ctx.name(parent, ppid), parentWait(ctx, parent));
                return false;
            default:
                return true;
        }
    }

    /** The sentence for what the parent's leader waits on. */
    static String parentWait(Context ctx, ProcessInfo parent) {
        Task pl = parent == null ? null : parent.leader();
        return pl == null ? "?" : WaitTexts.what(ctx, ctx.waitOf(pl), pl.state());
    }

    private static String sleepWhere(Task t) {
        if (t.detail() == null) {
            return "?";
        }
        if (t.detail().wchan() != null) {
            return t.detail().wchan();
        }
        SyscallInfo sc = t.detail().syscall();
        return sc == null ? "?" : sc.line();
    }

    /** Whether any thread of the parent sits in wait4/waitid (do_wait). */
    static boolean isWaiting(ProcessInfo parent) {
        for (Task t : parent.threads()) {
            if (t.detail() == null) {
                continue;
            }
            String w = t.detail().wchan();
            if (w != null && (w.equals("do_wait") || w.equals("__do_wait") || w.contains("wait4") || w.contains("waitid"))) {
                return true;
            }
            if (t.detail().stack() != null && (t.detail().stack().has("do_wait") || t.detail().stack().has("__do_wait"))) {
                return true;
            }
        }
        return false;
    }

    /** "started 3m ago" style age of a task, from its stat start time, or null. */
    static String age(Context ctx, Task t) {
        double up = ctx.latest().uptime();
        if (t == null || t.stat() == null || t.stat().startTimeTicks() < 0 || up < 0) {
            return null;
        }
        double started = t.stat().startTimeTicks() / (double) Sysconf.clockTicksPerSecond();
        return duration(Math.max(0, up - started));
    }

    static String duration(double seconds) {
        long s = (long) seconds;
        if (s < 120) {
            return String.format(Locale.ROOT, "%ds", s);
        }
        if (s < 7200) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 172800) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86400, (s % 86400) / 3600);
    }
}
