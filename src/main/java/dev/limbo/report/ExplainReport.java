package dev.limbo.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.limbo.model.Observation;
import dev.limbo.model.ProcessInfo;
import dev.limbo.model.RawFile;
import dev.limbo.model.Task;
import dev.limbo.model.Wait;
import dev.limbo.model.WaitClassifier;
import dev.limbo.rules.Finding;
import dev.limbo.rules.Stories;
import dev.limbo.rules.Texts;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code limbo explain}: a picture of the tree around the process first (parent, leader, threads
 * with state, wchan and what each waits for), then every finding in full, then the raw evidence.
 */
public final class ExplainReport {
    private ExplainReport() {
    }

    public static void render(Observation obs, ProcessInfo p, int asked, Report report, Texts t, PrintStream out) {
        out.println(t.get("explain.header", name(p.tgid(), p.comm()), TextReport.verdict(report, t),
                Printable.of(report.host().procRoot()), report.host().samples()));
        out.println();
        tree(obs, p, report, t, out);
        String cmd = p.commandLine();
        if (cmd != null) {
            out.println();
            out.println("  " + t.get("explain.cmdline", Printable.of(cmd)));
        } else if (p.cmdlineTimedOut()) {
            out.println();
            out.println("  " + t.get("explain.cmdline.blocked"));
        }
        out.println();
        if (report.findings().isEmpty()) {
            out.println(t.get("explain.no-findings"));
        }
        for (List<Finding> story : Stories.group(report.findings())) {
            TextReport.story(story, t, out, true);
            out.println();
        }
        out.println(t.get("explain.raw"));
        for (Task task : p.threads()) {
            raw(task, out);
        }
    }

    /** What the findings concluded about a thread's wait (evidence included), else its frames. */
    private static Wait waitOf(Observation obs, Report report, ProcessInfo p, Task th) {
        for (Finding f : report.findings()) {
            if (f.waitsOn() != null && !f.tids().isEmpty() && f.tids().get(0) == th.tid()) {
                return f.waitsOn();
            }
        }
        return WaitClassifier.classify(th, p, false, obs.latest().kernel());
    }

    private static void tree(Observation obs, ProcessInfo p, Report report, Texts t, PrintStream out) {
        Task leader = p.leader();
        int ppid = leader == null ? -1 : leader.ppid();
        ProcessInfo parent = obs.latest().process(ppid);
        if (parent == null) {
            parent = obs.first().process(ppid);
        }
        String parentLine = parent == null || parent.leader() == null
                ? name(ppid, null) + "  " + t.get("explain.not-visible")
                : name(ppid, parent.comm()) + "  " + state(parent.leader()) + wchan(parent.leader());
        out.println("  " + t.get("explain.parent") + "  " + parentLine);
        String leaderState = leader == null ? "?" : state(leader);
        out.println("  └─ " + name(p.tgid(), p.comm()) + "  " + leaderState + "   " + t.get("explain.threads", p.threads().size()));
        List<Task> threads = p.threads();
        for (int i = 0; i < threads.size(); i++) {
            Task th = threads.get(i);
            boolean last = i == threads.size() - 1;
            StringBuilder b = new StringBuilder("       ").append(last ? "└─ " : "├─ ");
            b.append(th.tid()).append(' ').append(th.comm() == null ? "?" : Printable.of(th.comm())).append("  ").append(state(th));
            b.append(wchan(th));
            if (th.state().isUninterruptible()) {
                Wait w = waitOf(obs, report, p, th);
                b.append("  ⇢ ").append(t.get("explain.waits-for", Printable.of(TextReport.describe(w))));
            } else if (th.state().isZombie() && th.isLeader() && threads.size() > 1) {
                b.append("  ⇢ ").append(t.get("explain.leader-waits"));
            }
            if (th.tracerPid() > 0) {
                b.append("  ⇢ ").append(t.get("explain.traced-by", th.tracerPid()));
            }
            out.println(b);
        }
    }

    private static void raw(Task task, PrintStream out) {
        for (RawFile r : task.rawFiles()) {
            out.println("--- " + Printable.of(r.path()) + (r.ok() ? "" : "  (" + r.absence() + ")"));
            if (r.ok()) {
                // a saved tree may hold any bytes: show them, never send them to the terminal
                String text = Printable.lines(r.text());
                out.print(text.endsWith("\n") || text.isEmpty() ? text : text + "\n");
            }
        }
    }

    private static String name(int pid, String comm) {
        return comm == null ? String.valueOf(pid) : pid + " (" + Printable.of(comm) + ")";
    }

    private static String state(Task t) {
        return t.state().letter() + " " + t.state().label();
    }

    private static String wchan(Task t) {
        if (t.detail() == null || t.detail().wchan() == null) {
            return "";
        }
        return "  wchan " + Printable.of(t.detail().wchan());
    }

    public static ObjectNode json(Observation obs, ProcessInfo p, int asked) {
        ObjectNode n = JsonReport.mapper().createObjectNode();
        n.put("asked", asked);
        n.put("pid", p.tgid());
        n.put("comm", p.comm());
        Task leader = p.leader();
        n.put("ppid", leader == null ? -1 : leader.ppid());
        if (p.commandLine() != null) {
            n.put("cmdline", p.commandLine());
        }
        ArrayNode threads = n.putArray("threads");
        List<ObjectNode> list = new ArrayList<>();
        for (Task th : p.threads()) {
            ObjectNode o = JsonReport.mapper().createObjectNode();
            o.put("tid", th.tid());
            o.put("comm", th.comm());
            o.put("state", String.valueOf(th.state().letter()));
            if (th.detail() != null && th.detail().wchan() != null) {
                o.put("wchan", th.detail().wchan());
            }
            if (th.tracerPid() > 0) {
                o.put("tracerPid", th.tracerPid());
            }
            if (th.state().isUninterruptible()) {
                o.set("waitsOn", JsonReport.wait(WaitClassifier.classify(th, p, false)));
            }
            if (th.detail() != null && th.detail().stack() != null) {
                ArrayNode frames = o.putArray("stack");
                th.detail().stack().frames().forEach(f -> frames.add(f.toString()));
            }
            list.add(o);
        }
        list.forEach(threads::add);
        return n;
    }
}
