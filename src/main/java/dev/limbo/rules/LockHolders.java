package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Task;
import dev.limbo.model.Wait;
import dev.limbo.model.WaitClassifier;
import dev.limbo.model.WaitKind;
import dev.limbo.procfs.FdLink;
import dev.limbo.procfs.MountInfo;
import dev.limbo.procfs.StackFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * The likely holder of the inode lock a task waits for, from /proc alone (what kernels 6.15+
 * print as "blocked on a mutex likely owned by task ..."): another task that is inside a system
 * call on the same file - same device and inode, from the {@code fd} links, {@code fdinfo} and
 * {@code mountinfo} - and is not itself waiting for the lock. A task inside a filesystem request
 * on that file is preferred (it took the lock and waits for the request).
 */
final class LockHolders {
    private static final int MAX_HOLDER_FRAMES = 8;

    private LockHolders() {
    }

    /** The waiter's file and the holder found for it. */
    record Match(ProcessInfo waiterProcess, FdLink waiterFile, ProcessInfo holderProcess, Task holder, FdLink holderFile) {
    }

    /** The holder of the inode lock {@code waiter} waits for, or null (not a file-lock wait, or none found). */
    static Match find(Context ctx, ProcessInfo wp, Task waiter, Wait w) {
        if (w.kind() != WaitKind.FILE_LOCK || wp == null) {
            return null;
        }
        boolean x86 = ctx.options().x86_64();
        FdLink file = WaitClassifier.fileOf(waiter, wp, x86);
        if (file == null) {
            return null;
        }
        Match best = null;
        int bestScore = -1;
        List<ProcessInfo> procs = new ArrayList<>(ctx.latest().processes().values());
        procs.sort((a, b) -> Integer.compare(a.tgid(), b.tgid()));
        for (ProcessInfo p : procs) {
            if (p.fds() == null) {
                continue;
            }
            for (Task t : p.threads()) {
                if (t.tid() == waiter.tid() || t.detail() == null || t.detail().stack() == null) {
                    continue;
                }
                char st = t.state().letter();
                if ((st != 'S' && st != 'D') || WaitClassifier.fileLockFrame(t.detail().stack()) != null) {
                    continue;
                }
                FdLink f = WaitClassifier.fileOf(t, p, x86);
                if (f == null || !sameFile(wp, file, p, f)) {
                    continue;
                }
                // inside a request of its own on the file beats merely being in a syscall on it
                int score = t.detail().stack().has("request_wait_answer") ? 2
                        : ctx.waitOf(t).kind() == WaitKind.FUSE || ctx.waitOf(t).kind() == WaitKind.NFS ? 1 : 0;
                if (score > bestScore) {
                    bestScore = score;
                    best = new Match(wp, file, p, t, f);
                }
            }
        }
        return best;
    }

    /** Same device (from mountinfo, else the same mount) and inode; without inodes, same mount and path. */
    static boolean sameFile(ProcessInfo pa, FdLink a, ProcessInfo pb, FdLink b) {
        if (a.inode() >= 0 && b.inode() >= 0) {
            if (a.inode() != b.inode()) {
                return false;
            }
            MountInfo ma = pa.mount(a.mountId());
            MountInfo mb = pb.mount(b.mountId());
            if (ma != null && mb != null) {
                return ma.major() == mb.major() && ma.minor() == mb.minor();
            }
            return a.mountId() >= 0 && a.mountId() == b.mountId();
        }
        return a.mountId() >= 0 && a.mountId() == b.mountId() && a.target().equals(b.target());
    }

    /** "dev 0:40, ino 2" as far as known. */
    static String identity(ProcessInfo p, FdLink f) {
        MountInfo m = p.mount(f.mountId());
        List<String> parts = new ArrayList<>();
        if (m != null) {
            parts.add("dev " + m.major() + ":" + m.minor());
        } else if (f.mountId() >= 0) {
            parts.add("mnt_id " + f.mountId());
        }
        if (f.inode() >= 0) {
            parts.add("ino " + f.inode());
        }
        return String.join(", ", parts);
    }

    /**
     * Adds what the match shows to a finding about the waiter: a cause naming the holder and its
     * own wait, the evidence that ties both to the file, and the {@code lock-holder} blocker.
     */
    static void describe(Context ctx, FindingBuilder b, Match m) {
        Wait hw = ctx.waitOf(m.holder());
        String file = m.waiterFile().target();
        String id = identity(m.waiterProcess(), m.waiterFile());
        String holderWait = WaitTexts.what(ctx, hw, m.holder().state());
        String syscall = syscallName(ctx, m.holder());
        String state = m.holder().state().letter() + " (" + m.holder().state().label() + ")";
        String shortWait = hw.kind().name().toLowerCase().replace('_', '-') + (hw.function() == null ? "" : " (" + hw.function() + ")");
        String detail = ctx.t("blocker.lock-holder.detail", file, id, syscall, state, shortWait);
        b.cause("blocker.lock-holder.cause", ctx.name(m.holder()), file, id, holderWait);
        List<Evidence> ev = new ArrayList<>();
        fileEvidence(ev, m.waiterFile());
        fileEvidence(ev, m.holderFile());
        Task h = m.holder();
        if (h.status() != null && h.status().line("State") != null && h.detail().statusRead() != null) {
            ev.add(new Evidence(h.detail().statusRead().path(), h.status().line("State")));
        } else if (h.statRead() != null && h.statRead().ok()) {
            ev.add(new Evidence(h.statRead().path(), h.statRead().firstLine()));
        }
        if (h.detail().syscallRead() != null && h.detail().syscallRead().ok()) {
            ev.add(new Evidence(h.detail().syscallRead().path(), h.detail().syscallRead().firstLine()));
        }
        if (h.detail().wchanRead() != null && h.detail().wchanRead().ok()) {
            ev.add(new Evidence(h.detail().wchanRead().path(), h.detail().wchanRead().firstLine()));
        }
        int n = 0;
        for (StackFrame f : h.detail().stack().frames()) {
            if (n++ >= MAX_HOLDER_FRAMES) {
                break;
            }
            ev.add(new Evidence(h.detail().stackRead().path(), f.line()));
        }
        b.blocker(new Blocker(Blocker.LOCK_HOLDER, m.holderProcess().tgid(), h.tid(), ctx.name(h), detail, List.copyOf(ev)));
    }

    /** "write()" on x86_64 for the numbers known, else "syscall N", or "?" when unread. */
    static String syscallName(Context ctx, Task t) {
        var sc = t.detail() == null ? null : t.detail().syscall();
        if (sc == null || sc.kind() != dev.limbo.procfs.SyscallInfo.Kind.IN_SYSCALL) {
            return "?";
        }
        String n = ctx.options().x86_64() ? sc.x86_64Name() : null;
        return n != null ? n + "()" : "syscall " + sc.number();
    }

    private static void fileEvidence(List<Evidence> ev, FdLink f) {
        if (f.linkPath() != null) {
            ev.add(new Evidence(f.linkPath(), f.target()));
        }
        if (f.infoPath() != null && f.inode() >= 0) {
            ev.add(new Evidence(f.infoPath(), "ino:\t" + f.inode()));
        }
    }
}
