package dev.limbo.rules;

import dev.limbo.model.Attribution;
import dev.limbo.model.KernelVersion;
import dev.limbo.model.Killability;
import dev.limbo.model.Observation;
import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Progress;
import dev.limbo.model.Sample;
import dev.limbo.model.Task;
import dev.limbo.model.TaskDetail;
import dev.limbo.model.Wait;
import dev.limbo.model.WaitClassifier;
import dev.limbo.procfs.SignalSet;
import dev.limbo.procfs.TaskStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What every rule sees: the observation, options, texts, and shared judgements (cached). */
public final class Context {
    private final Observation observation;
    private final RuleOptions options;
    private final Texts texts;
    private final Map<Integer, Wait> waits = new HashMap<>();
    private Map<Integer, ZombieCase> zombieCases;
    private KernelVersion kernel;
    private final Map<Finding, List<Integer>> about = new java.util.IdentityHashMap<>();
    private boolean kernelKnown;

    public Context(Observation observation, RuleOptions options, Texts texts) {
        this.observation = observation;
        this.options = options;
        this.texts = texts;
    }

    public Observation observation() {
        return observation;
    }

    public Sample latest() {
        return observation.latest();
    }

    public RuleOptions options() {
        return options;
    }

    public Texts texts() {
        return texts;
    }

    public String t(String key, Object... args) {
        return texts.get(key, args);
    }

    /** The kernel version of the procfs root in use (its sys/kernel/osrelease), or null. */
    public KernelVersion kernel() {
        if (!kernelKnown) {
            kernelKnown = true;
            for (int i = observation.samples().size() - 1; i >= 0 && kernel == null; i--) {
                kernel = observation.samples().get(i).kernel();
            }
        }
        return kernel;
    }

    /** The kernel version for texts: "6.18", or "version not read". */
    public String kernelName() {
        return kernel() == null ? t("kernel.unknown") : kernel().toString();
    }

    /**
     * What a D task waits on (classified once per task). Its {@code killable} is the task's
     * {@link #killability} verdict: the frames, unless evidence contradicts them.
     */
    public Wait waitOf(Task task) {
        Wait w = waits.get(task.tid());
        if (w == null) {
            w = WaitClassifier.classify(task, latest().process(task.tgid()), options.x86_64(), kernel());
            if (killSamples(task) >= killEvidenceNeeded(task) && w.killable() != Boolean.FALSE) {
                w = new Wait(w.kind(), Boolean.FALSE, w.exiting(), w.frame(), w.function(), w.module(), w.basis(),
                        w.fuseConnection(), w.file(), w.mountPoint());
            }
            waits.put(task.tid(), w);
        }
        return w;
    }

    /**
     * How the task's wait answers SIGKILL, and on what that rests. Evidence first: a task that
     * stayed D in two or more samples with SIGKILL in its own SigPnd is not in a killable wait
     * (the kill would have woken it). Then the kernel's table ({@link Killability}).
     */
    public Kill killability(Task task) {
        int kills = killSamples(task);
        if (kills >= killEvidenceNeeded(task)) {
            return new Kill(Killability.Verdict.UNINTERRUPTIBLE, Kill.Basis.EVIDENCE, null, kills);
        }
        TaskDetail d = task.detail();
        Killability.Judgement j = Killability.judge(d == null ? null : d.stack(), d == null ? null : d.wchan(),
                waitOf(task).kind(), kernel());
        return new Kill(j.verdict(), j.entry() == null ? Kill.Basis.NONE : Kill.Basis.TABLE, j.entry(), kills);
    }

    /**
     * A killability verdict.
     *
     * @param entry the table entry that decided (or left it open for want of a kernel version)
     * @param killSamples samples in which the task was D with SIGKILL in its own SigPnd
     */
    public record Kill(Killability.Verdict verdict, Basis basis, Killability.Entry entry, int killSamples) {
        public enum Basis { EVIDENCE, TABLE, NONE }

        public boolean killable() {
            return verdict == Killability.Verdict.KILLABLE;
        }
    }

    /** Records the other processes a finding is about (see {@link Stories}). */
    void about(Finding f, List<Integer> pids) {
        if (!pids.isEmpty()) {
            about.put(f, List.copyOf(pids));
        }
    }

    List<Integer> about(Finding f) {
        return about.getOrDefault(f, List.of());
    }

    /** Whether the task's wait is killable in fact (see {@link #killability}). */
    public boolean killable(Task task) {
        return killability(task).killable();
    }

    /**
     * Samples with SIGKILL pending on a D task that decide it: two when the task was seen twice or
     * more (a single read could fall between the kill and the wake-up), one in a lone sample
     * (signal_wake_up() makes a killable sleeper runnable before the sender returns).
     */
    private int killEvidenceNeeded(Task task) {
        int seen = 0;
        for (Sample s : observation.samples()) {
            if (s.task(task.tid()) != null) {
                seen++;
            }
        }
        return seen >= 2 ? 2 : 1;
    }

    /** In how many samples the task was D with SIGKILL in its own SigPnd. */
    int killSamples(Task task) {
        int n = 0;
        for (Sample s : observation.samples()) {
            Task t = s.task(task.tid());
            if (t != null && t.state().isUninterruptible() && t.status() != null && has(t.status().sigPnd(), SignalSet.SIGKILL)) {
                n++;
            }
        }
        return n;
    }

    public Progress progress(Task task) {
        return observation.progress(task.tid());
    }

    /** What holds each zombie leader (by tgid); the zombie rules add their own conditions on top. */
    public ZombieCase zombieCase(int tgid) {
        if (zombieCases == null) {
            zombieCases = ZombieCase.classify(this);
        }
        return zombieCases.get(tgid);
    }

    /** Whether this zombie leader was present in every sample that could have seen it. */
    public boolean persistent(int tid) {
        int n = 0;
        int seen = 0;
        for (Sample s : observation.samples()) {
            if (s.complete() || s.process(tid) != null || s.task(tid) != null) {
                n++;
            }
            if (s.task(tid) != null && s.task(tid).state().isZombie()) {
                seen++;
            }
        }
        return seen == n;
    }

    /**
     * Where the process lives. An exiting task is moved to the root of the v1 hierarchies (a
     * zombie keeps only its v2 path, and on a v1-only host nothing), so a zombie falls back to
     * its parent's cgroup.
     */
    public Attribution attribution(ProcessInfo p) {
        if (p == null) {
            return null;
        }
        Attribution own = Attribution.from(p.cgroup());
        if ((own == null || own.containerId() == null) && p.leader() != null && p.leader().state().isDead()) {
            ProcessInfo parent = latest().process(p.leader().ppid());
            Attribution inherited = parent == null ? null : Attribution.from(parent.cgroup());
            if (inherited != null && inherited.containerId() != null) {
                return inherited;
            }
        }
        return own;
    }

    /** NStgid of the process when it lives in a nested pid namespace (host pid first), else null. */
    public List<Integer> nsPids(ProcessInfo p) {
        if (p == null) {
            return null;
        }
        for (Task t : p.threads()) {
            TaskStatus s = t.status();
            if (s != null && s.nsTgid() != null) {
                return s.nsTgid().size() > 1 ? s.nsTgid() : null;
            }
        }
        return null;
    }

    /** Whether pid is PID 1 of its own pid namespace (its NStgid ends in 1), or the host's PID 1. */
    public boolean isNamespaceInit(ProcessInfo p) {
        if (p == null) {
            return false;
        }
        if (p.tgid() == 1) {
            return true;
        }
        Task leader = p.leader();
        TaskStatus s = leader == null ? null : leader.status();
        return s != null && s.nsTgid() != null && s.nsTgid().size() > 1 && s.nsTgid().get(s.nsTgid().size() - 1) == 1;
    }

    /** Human name of a process: {@code 1234 (comm)}. */
    public String name(ProcessInfo p, int pid) {
        String comm = p == null ? null : p.comm();
        return comm == null ? String.valueOf(pid) : pid + " (" + comm + ")";
    }

    public String name(Task t) {
        String comm = t.comm();
        return comm == null ? String.valueOf(t.tid()) : t.tid() + " (" + comm + ")";
    }

    /** Whether SIGKILL is pending for the task, privately or for the group. */
    public static boolean killPending(TaskStatus s) {
        if (s == null) {
            return false;
        }
        return has(s.sigPnd(), SignalSet.SIGKILL) || has(s.shdPnd(), SignalSet.SIGKILL);
    }

    static boolean has(SignalSet set, int sig) {
        return set != null && set.contains(sig);
    }
}
