package dev.limbo.sampling;

import dev.limbo.procfs.Read;
import dev.limbo.procfs.MountInfo;
import dev.limbo.procfs.SyscallParser;
import dev.limbo.procfs.FdLink;
import dev.limbo.procfs.FdInfoParser;
import dev.limbo.procfs.CommParser;
import dev.limbo.procfs.TaskStat;
import dev.limbo.procfs.StatParser;
import dev.limbo.procfs.WchanParser;
import dev.limbo.procfs.StatusParser;
import dev.limbo.procfs.CgroupParser;
import dev.limbo.procfs.TaskStatus;
import dev.limbo.procfs.StackParser;
import dev.limbo.procfs.HostFactsParser;
import dev.limbo.procfs.CgroupLine;
import dev.limbo.procfs.MountInfoParser;
import dev.limbo.procfs.ProcRoot;
import dev.limbo.procfs.BlockedRead;
import dev.limbo.procfs.HostFacts;
import dev.limbo.procfs.ReadPool;
import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Sample;
import dev.limbo.model.Task;
import dev.limbo.model.TaskDetail;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads samples from a {@link ProcRoot}. A healthy task costs one read (its {@code stat}); only
 * suspects (thread groups with a task in Z or D) and their parents and tracers get the deep reads.
 */
public final class Sampler {
    private static final int MAX_FDS = 256;
    private static final int MAX_RELATIVE_THREADS = 64;
    private static final int CMDLINE_BYTES = 4096;

    /** At most this many sleeping tasks have their wchan read when looking for a lock holder. */
    private static final int MAX_HOLDER_PROBES = 32768;
    private static final java.util.regex.Pattern CLEAR_REFS =
            java.util.regex.Pattern.compile("/proc/(\\d{1,10})(?:/task/\\d{1,10})?/clear_refs");

    private final ProcRoot root;
    private final ReadPool pool;
    /**
     * Thread groups pulled into the deep reads by an earlier pass of this sampler, so that the
     * later (restricted) passes read them again: processes whose mmap lock a queued clear_refs
     * writer waits for (read as suspects), and likely holders of a file lock (tgid -> the thread
     * whose fd table to read).
     */
    private final Set<Integer> pulledSuspects = new LinkedHashSet<>();
    private final Map<Integer, Integer> pulledHolders = new java.util.LinkedHashMap<>();

    public Sampler(ProcRoot root, ReadPool pool) {
        this.root = root;
        this.pool = pool;
    }

    public ProcRoot root() {
        return root;
    }

    private record Item(int pid, int tid) implements ReadPool.Target {
    }

    /** A complete pass over every task. */
    public Sample full(int index) {
        return sample(index, null, Set.of());
    }

    /**
     * A pass over the given thread groups only (plus their parents and tracers), or over
     * everything when {@code only} is null.
     */
    public Sample sample(int index, Set<Integer> only, Set<Integer> alsoDeep) {
        long t0 = System.nanoTime();
        HostFacts host = hostFacts();
        List<BlockedRead> blocked = Collections.synchronizedList(new ArrayList<>());
        List<Item> pids = new ArrayList<>();
        if (only == null) {
            String[] names = root.list("");
            if (names != null) {
                for (String name : names) {
                    int pid = pidOf(name);
                    if (pid > 0) {
                        pids.add(new Item(pid, pid));
                    }
                }
            }
        } else {
            for (int pid : only) {
                pids.add(new Item(pid, pid));
            }
            Set<Integer> more = new LinkedHashSet<>(alsoDeep);
            more.addAll(pulledSuspects);
            more.addAll(pulledHolders.keySet());
            for (int pid : more) {
                if (!only.contains(pid)) {
                    pids.add(new Item(pid, pid));
                }
            }
        }
        Map<Item, List<Task>> listed = pool.run(pids, item -> listTasks(item.pid()), blocked);

        Map<Integer, List<Task>> groups = new TreeMap<>();
        for (Map.Entry<Item, List<Task>> e : listed.entrySet()) {
            if (!e.getValue().isEmpty()) {
                groups.put(e.getKey().pid(), e.getValue());
            }
        }

        Set<Integer> suspects = new LinkedHashSet<>();
        for (Map.Entry<Integer, List<Task>> e : groups.entrySet()) {
            for (Task t : e.getValue()) {
                if (t.state().isZombie() || t.state().isUninterruptible()) {
                    suspects.add(e.getKey());
                    break;
                }
            }
        }

        for (int tgid : alsoDeep) {
            if (groups.containsKey(tgid)) {
                suspects.add(tgid);
            }
        }
        Map<Integer, ProcessInfo> processes = new HashMap<>();
        deepRead(suspects, groups, processes, true, blocked);
        pullIn(groups, processes, blocked);

        // Relatives: the parents of suspects (who should reap) and the tracers of their threads.
        Set<Integer> relatives = new LinkedHashSet<>();
        for (int tgid : suspects) {
            ProcessInfo p = processes.get(tgid);
            if (p == null) {
                continue;
            }
            for (Task t : p.threads()) {
                addRelative(relatives, t.ppid(), processes);
                addRelative(relatives, t.tracerPid(), processes);
            }
        }
        if (only != null) {
            // Relatives may not have been listed in a restricted pass.
            List<Item> extra = new ArrayList<>();
            for (int r : relatives) {
                if (!groups.containsKey(r)) {
                    extra.add(new Item(r, r));
                }
            }
            for (Map.Entry<Item, List<Task>> e : pool.run(extra, item -> listTasks(item.pid()), blocked).entrySet()) {
                if (!e.getValue().isEmpty()) {
                    groups.put(e.getKey().pid(), e.getValue());
                }
            }
        }
        relatives.removeIf(r -> !groups.containsKey(r));
        deepRead(relatives, groups, processes, false, blocked);

        for (Map.Entry<Integer, List<Task>> e : groups.entrySet()) {
            processes.computeIfAbsent(e.getKey(), tgid -> shallow(tgid, e.getValue()));
        }
        Map<Integer, Task> tasks = new HashMap<>();
        for (ProcessInfo p : processes.values()) {
            for (Task t : p.threads()) {
                tasks.put(t.tid(), t);
            }
        }
        return new Sample(index, t0, host, Collections.unmodifiableMap(processes),
                Collections.unmodifiableMap(tasks), List.copyOf(blocked), only == null);
    }

    private static void addRelative(Set<Integer> relatives, int pid, Map<Integer, ProcessInfo> done) {
        if (pid > 0 && !done.containsKey(pid)) {
            relatives.add(pid);
        }
    }

    private static ProcessInfo shallow(int tgid, List<Task> threads) {
        Task leader = null;
        for (Task t : threads) {
            if (t.tid() == tgid) {
                leader = t;
            }
        }
        return new ProcessInfo(tgid, leader, threads, null, null, null, null, null);
    }

    private void deepRead(Set<Integer> tgids, Map<Integer, List<Task>> groups, Map<Integer, ProcessInfo> out,
            boolean suspect, List<BlockedRead> blocked) {
        deepRead(tgids, groups, out, suspect, blocked, Map.of());
    }

    /** {@code fdThreads}: for a process with no D thread, the thread whose fd table to read. */
    private void deepRead(Set<Integer> tgids, Map<Integer, List<Task>> groups, Map<Integer, ProcessInfo> out,
            boolean suspect, List<BlockedRead> blocked, Map<Integer, Integer> fdThreads) {
        List<Item> items = new ArrayList<>();
        for (int tgid : tgids) {
            items.add(new Item(tgid, tgid));
        }
        Map<Item, ProcessInfo> read = pool.run(items,
                item -> readProcess(item.pid(), groups.get(item.pid()), suspect, fdThreads.getOrDefault(item.pid(), -1)), blocked);
        // The cmdline probe reads a live thread's task/TID/cmdline: a zombie leader's own cmdline
        // answers at once (it has no mm), while every live thread's - what ps -eL reads - blocks.
        Map<Item, String> cmdPaths = new HashMap<>();
        List<Item> probes = new ArrayList<>();
        for (Map.Entry<Item, ProcessInfo> e : read.entrySet()) {
            String rel = cmdlinePath(e.getValue());
            cmdPaths.put(e.getKey(), rel);
            probes.add(new Item(e.getKey().pid(), tidOf(rel, e.getKey().pid())));
        }
        Map<Item, Read> probed = suspect
                ? pool.run(probes, item -> root.read(cmdPaths.get(new Item(item.pid(), item.pid())), CMDLINE_BYTES), blocked)
                : Map.of();
        Map<Integer, Read> cmdlines = new HashMap<>();
        probed.forEach((item, r) -> cmdlines.put(item.pid(), r));
        for (Map.Entry<Item, ProcessInfo> e : read.entrySet()) {
            ProcessInfo p = e.getValue();
            String rel = cmdPaths.get(e.getKey());
            Read cmd = cmdlines.get(p.tgid());
            if (cmd == null && suspect) {
                cmd = new Read(root.display(rel), null, Read.Absence.TIMED_OUT);
            }
            long savedWait = suspect ? root.savedTimeoutMillis(rel) : -1;
            if (savedWait >= 0) {
                // A snapshot records the reads that blocked when it was taken.
                cmd = new Read(root.display(rel), null, Read.Absence.TIMED_OUT);
                blocked.add(new BlockedRead(p.tgid(), tidOf(rel, p.tgid()), cmd.path(), savedWait));
            }
            out.put(p.tgid(), new ProcessInfo(p.tgid(), p.leader(), p.threads(), p.cgroup(), p.cgroupRead(), p.fds(), p.mounts(), cmd));
        }
    }

    /** {@code PID/cmdline} when the leader is alive, else a live thread's {@code PID/task/TID/cmdline}. */
    static String cmdlinePath(ProcessInfo p) {
        Task leader = p.leader();
        if (leader == null || !(leader.state().isZombie() || leader.state().isDead())) {
            return p.tgid() + "/cmdline";
        }
        for (Task t : p.threads()) {
            if (!t.state().isZombie() && !t.state().isDead()) {
                return p.tgid() + "/task/" + t.tid() + "/cmdline";
            }
        }
        return p.tgid() + "/cmdline";
    }

    private static int tidOf(String cmdlineRel, int tgid) {
        int i = cmdlineRel.indexOf("/task/");
        return i < 0 ? tgid : pidOf(cmdlineRel.substring(i + 6, cmdlineRel.lastIndexOf('/')));
    }

    /**
     * Pulls more processes into the deep reads, from what the suspects show: the process whose
     * mmap lock a queued clear_refs writer waits for, and the likely holder of a file's inode
     * lock that a D task waits for (a task asleep in a FUSE or network-filesystem request, found
     * by its wchan; the rules then match the file by device and inode).
     */
    private void pullIn(Map<Integer, List<Task>> groups, Map<Integer, ProcessInfo> processes, List<BlockedRead> blocked) {
        Set<Integer> targets = new LinkedHashSet<>();
        boolean lockWaiter = false;
        for (ProcessInfo p : processes.values()) {
            if (p.fds() != null) {
                for (FdLink l : p.fds()) {
                    java.util.regex.Matcher m = CLEAR_REFS.matcher(l.target());
                    if (m.matches()) {
                        targets.add(pidOf(m.group(1)));
                    }
                }
            }
            for (Task t : p.threads()) {
                if (t.state().isUninterruptible() && t.detail() != null
                        && dev.limbo.model.WaitClassifier.fileLockFrame(t.detail().stack()) != null) {
                    lockWaiter = true;
                }
            }
        }
        for (int tgid : pulledSuspects) {
            targets.add(tgid);
        }
        targets.removeIf(tgid -> processes.containsKey(tgid) || !groups.containsKey(tgid));
        pulledSuspects.addAll(targets);
        deepRead(targets, groups, processes, true, blocked);

        Map<Integer, Integer> holders = new java.util.LinkedHashMap<>();
        pulledHolders.forEach((tgid, tid) -> {
            if (groups.containsKey(tgid) && !processes.containsKey(tgid)) {
                holders.put(tgid, tid);
            }
        });
        if (lockWaiter) {
            List<Item> sleeping = new ArrayList<>();
            for (Map.Entry<Integer, List<Task>> e : groups.entrySet()) {
                if (processes.containsKey(e.getKey())) {
                    continue;
                }
                for (Task t : e.getValue()) {
                    char st = t.state().letter();
                    if ((st == 'S' || st == 'D') && sleeping.size() < MAX_HOLDER_PROBES) {
                        sleeping.add(new Item(e.getKey(), t.tid()));
                    }
                }
            }
            Map<Item, String> wchans = pool.run(sleeping,
                    item -> WchanParser.parse(root.read(item.pid() + "/task/" + item.tid() + "/wchan").text()), blocked);
            for (Map.Entry<Item, String> e : wchans.entrySet()) {
                if (isRequestWait(e.getValue())) {
                    holders.putIfAbsent(e.getKey().pid(), e.getKey().tid());
                }
            }
        }
        pulledHolders.putAll(holders);
        deepRead(holders.keySet(), groups, processes, false, blocked, holders);
    }

    /** A wchan that shows a task waiting for a filesystem request to be answered. */
    private static boolean isRequestWait(String wchan) {
        if (wchan == null) {
            return false;
        }
        dev.limbo.model.WaitKind k = dev.limbo.model.WaitClassifier.kindOf(wchan, null);
        return k == dev.limbo.model.WaitKind.FUSE || k == dev.limbo.model.WaitKind.NFS || k == dev.limbo.model.WaitKind.CIFS;
    }

    private ProcessInfo readProcess(int tgid, List<Task> threads, boolean suspect, int fdTid) {
        List<Task> detailed = new ArrayList<>();
        Task leader = null;
        int n = 0;
        for (Task t : threads) {
            boolean wanted = suspect || t.tid() == tgid || n < MAX_RELATIVE_THREADS;
            n++;
            Task d = wanted ? t.withDetail(readDetail(tgid, t.tid())) : t;
            if (suspect && root.isLive()) {
                d = settled(tgid, d);
                if (d == null) {
                    continue; // gone between its stat and its details
                }
            }
            detailed.add(d);
            if (d.tid() == tgid) {
                leader = d;
            }
        }
        Read cgroupRead = root.read(tgid + "/cgroup");
        List<CgroupLine> cgroup = CgroupParser.parse(cgroupRead.text());
        List<FdLink> fds = null;
        List<MountInfo> mounts = null;
        Task stuck = null;
        if (suspect) {
            for (Task t : detailed) {
                if (t.state().isUninterruptible()) {
                    stuck = t;
                    break;
                }
            }
        }
        int fdFrom = stuck != null ? stuck.tid() : fdTid;
        if (fdFrom > 0) {
            String dir = tgid + "/task/" + fdFrom;
            fds = readFds(dir);
            mounts = MountInfoParser.parse(firstOk(dir + "/mountinfo", tgid + "/mountinfo").text());
        }
        return new ProcessInfo(tgid, leader, List.copyOf(detailed), cgroup, cgroupRead, fds, mounts, null);
    }

    /**
     * A live task is read in two steps, its stat and then its details, and under fork and thread
     * churn it often moves on in between: seen in D or Z by its stat, it is running again or gone
     * when its status is read. Judge it by the later read. Gone: it is left out of the sample.
     * In another state: its stat is read again, so that the state, the details and the evidence
     * describe the same moment (rules also check that status agrees).
     */
    private Task settled(int tgid, Task t) {
        TaskDetail d = t.detail();
        if (d == null || t.stat() == null) {
            return t;
        }
        if (d.statusRead() != null && d.statusRead().absence() == Read.Absence.GONE) {
            return null;
        }
        if (d.status() == null || d.status().state() == null || d.status().state() == t.stat().state()) {
            return t;
        }
        String statPath = tgid + "/task/" + t.tid() + "/stat";
        Read again = root.read(statPath);
        TaskStat parsed = StatParser.parse(again.text());
        if (parsed == null) {
            return again.absence() == Read.Absence.GONE ? null : t;
        }
        return new Task(t.tid(), t.tgid(), parsed, again, d);
    }

    private List<FdLink> readFds(String dir) {
        String[] names = root.list(dir + "/fd");
        if (names == null) {
            return null;
        }
        List<FdLink> out = new ArrayList<>();
        for (String name : names) {
            int fd = pidOf(name);
            if (fd < 0) {
                continue;
            }
            String target = root.readLink(dir + "/fd/" + name);
            if (target == null) {
                continue;
            }
            Read info = root.read(dir + "/fdinfo/" + name);
            out.add(new FdLink(fd, target, FdInfoParser.mountId(info.text()), FdInfoParser.inode(info.text()),
                    root.display(dir + "/fd/" + name), info.ok() ? info.path() : null));
            if (out.size() >= MAX_FDS) {
                break;
            }
        }
        out.sort((a, b) -> Integer.compare(a.fd(), b.fd()));
        return List.copyOf(out);
    }

    private TaskDetail readDetail(int tgid, int tid) {
        String dir = tgid + "/task/" + tid;
        boolean leader = tgid == tid;
        Read status = leader ? firstOk(tgid + "/status", dir + "/status") : root.read(dir + "/status");
        Read stack = leader ? firstOk(dir + "/stack", tgid + "/stack") : root.read(dir + "/stack");
        Read wchan = leader ? firstOk(dir + "/wchan", tgid + "/wchan") : root.read(dir + "/wchan");
        Read syscall = leader ? firstOk(dir + "/syscall", tgid + "/syscall") : root.read(dir + "/syscall");
        Read comm = root.read(dir + "/comm");
        return new TaskDetail(
                StatusParser.parse(status.text()), status,
                stack.ok() ? StackParser.parse(stack.text()) : null, stack,
                WchanParser.parse(wchan.text()), wchan,
                SyscallParser.parse(syscall.text()), syscall,
                CommParser.parse(comm.text()));
    }

    private Read firstOk(String a, String b) {
        Read r = root.read(a);
        if (r.ok() || r.absence() == Read.Absence.GONE) {
            return r;
        }
        Read r2 = root.read(b);
        return r2.ok() ? r2 : r;
    }

    /** The tasks of one thread group, each with its stat; empty when the group is gone. */
    private List<Task> listTasks(int pid) {
        String[] tids = root.list(pid + "/task");
        List<Task> out = new ArrayList<>();
        if (tids == null) {
            Task t = readTask(pid, pid, pid + "/stat", pid + "/status");
            if (t != null) {
                out.add(t);
            }
            return out;
        }
        for (String name : tids) {
            int tid = pidOf(name);
            if (tid <= 0) {
                continue;
            }
            String dir = pid + "/task/" + tid;
            Task t = readTask(pid, tid, dir + "/stat", tid == pid ? pid + "/status" : dir + "/status");
            if (t == null && tid == pid) {
                t = readTask(pid, tid, pid + "/stat", dir + "/status");
            }
            if (t != null) {
                out.add(t);
            }
        }
        out.sort((a, b) -> Integer.compare(a.tid(), b.tid()));
        return out;
    }

    private Task readTask(int tgid, int tid, String statPath, String statusPath) {
        Read stat;
        if (root.isLive()) {
            ProcRoot.StatProbe probe = root.probeStat(statPath);
            if (probe.state() != null) {
                // A healthy live task: one read, nothing parsed beyond its state. (Saved trees are
                // parsed whole: a relative's comm may exist only in its stat there.)
                return new Task(tid, tgid, TaskStat.stateOnly(tid, probe.state()), null, null);
            }
            stat = probe.read() != null ? probe.read() : new Read(root.display(statPath), null, probe.absence());
        } else {
            stat = root.read(statPath);
        }
        TaskStat parsed = StatParser.parse(stat.text());
        if (parsed != null) {
            return new Task(tid, tgid, parsed, stat, null);
        }
        if (stat.absence() == Read.Absence.GONE) {
            return null;
        }
        // A saved tree may hold status but no stat.
        Read status = root.read(statusPath);
        TaskStatus s = StatusParser.parse(status.text());
        if (s == null) {
            return null;
        }
        TaskDetail detail = new TaskDetail(s, status, null, null, null, null, null, null, null);
        return new Task(tid, tgid, null, stat, detail);
    }

    public HostFacts hostFacts() {
        String stat = root.read("stat").text();
        return new HostFacts(
                HostFactsParser.uptime(root.read("uptime").text()),
                HostFactsParser.firstLine(root.read("loadavg").text()),
                HostFactsParser.statField(stat, "btime"),
                (int) HostFactsParser.statField(stat, "procs_running"),
                (int) HostFactsParser.statField(stat, "procs_blocked"),
                HostFactsParser.integer(root.read("sys/kernel/hung_task_timeout_secs").text()),
                HostFactsParser.integer(root.read("sys/kernel/pid_max").text()),
                HostFactsParser.firstLine(root.read("sys/kernel/hostname").text()),
                HostFactsParser.firstLine(root.read("sys/kernel/osrelease").text()));
    }

    /** The number a /proc entry name stands for (a pid, tid or fd), or -1 for any other name. */
    public static int pidOf(String name) {
        int n = name.length();
        if (n == 0 || n > 10) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
