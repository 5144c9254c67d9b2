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

    static void describe(Context ctx, FindingBuilder b, ProcessInfo parent, int ppid) {
        if (parent == null || parent.leader() == null) {
            b.cause("parent.gone", ppid);
            return;
        }
        Task pl = parent.leader();
        b.state(pl).wchan(pl).syscall(pl).status(pl, "SigBlk", "SigIgn", "SigCgt");
        String state = pl.state().letter() + " (" + pl.state().label() + ")";
        boolean waiting = isWaiting(parent);
        if (waiting) {
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
        TaskStatus s = pl.status();
        if (s != null) {
            if (Context.has(s.sigIgn(), SignalSet.SIGCHLD)) {
                b.cause("parent.sigchld.ignored");
            } else if (Context.has(s.sigBlk(), SignalSet.SIGCHLD)) {
                b.cause("parent.sigchld.blocked");
            } else if (Context.has(s.sigCgt(), SignalSet.SIGCHLD)) {
                b.cause("parent.sigchld.caught");
            } else {
                b.cause("parent.sigchld.default");
            }
        }
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
