package dev.limbo.agent;

import dev.limbo.monitor.Check;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.limbo.report.JsonReport;
import dev.limbo.report.Report;
import dev.limbo.report.TextReport;
import dev.limbo.rules.Texts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The agent's state for people (text quick view) and programs (JSON {@code limbo/v1}). */
public final class Views {
    private Views() {
    }

    /**
     * {@code limbo/v1} with, per finding, {@code since} and {@code stuckSeconds}, and an
     * {@code agent} object (round, time, interval, hung-after).
     */
    public static ObjectNode json(Agent.State s, long intervalMs) {
        ObjectNode root = JsonReport.tree(s.report());
        ArrayNode findings = (ArrayNode) root.get("findings");
        for (int i = 0; i < s.findings().size() && i < findings.size(); i++) {
            Agent.OpenFinding o = s.findings().get(i);
            ObjectNode n = (ObjectNode) findings.get(i);
            n.put("since", Instant.ofEpochMilli(o.sinceEpochMillis()).toString());
            n.put("stuckSeconds", EventLog.round(o.stuckSeconds()));
            n.put("reportedSince", Instant.ofEpochMilli(o.appearedEpochMillis()).toString());
        }
        ObjectNode agent = root.putObject("agent");
        agent.put("round", s.round());
        agent.put("time", Instant.ofEpochMilli(s.epochMillis()).toString());
        agent.put("scanSeconds", EventLog.round(s.scanSeconds()));
        agent.put("intervalMs", intervalMs);
        agent.put("hungAfterSeconds", s.hungAfterSeconds());
        agent.put("trackedTasks", s.trackedTasks());
        agent.put("quarantinedProcesses", s.quarantined());
        return root;
    }

    /** The quick view: the scan summary line, then each open finding with how long it is stuck. */
    public static String text(Agent.State s, Texts t) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        text(s, t, out);
        return buf.toString(StandardCharsets.UTF_8);
    }

    public static void text(Agent.State s, Texts t, PrintStream out) {
        Report r = s.report();
        Report.Summary sum = r.summary();
        String verdict = r.worst() == null ? t.get("text.verdict.ok") : r.worst().name();
        out.println(t.get("text.summary", verdict, sum.critical(), sum.warning(), sum.info(), sum.processes(), sum.tasks(),
                sum.zombies(), sum.dstate(), dev.limbo.report.Printable.of(r.host().procRoot()), r.host().samples()));
        if (s.findings().isEmpty()) {
            return;
        }
        for (Agent.OpenFinding o : s.findings()) {
            out.println();
            TextReport.finding(o.finding(), t, out, false);
            out.println("  " + "stuck for " + Check.formatSeconds(o.stuckSeconds()) + " (since " + Instant.ofEpochMilli(o.sinceEpochMillis()) + ")");
        }
    }
}
