package dev.limbo.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.limbo.model.Observation;
import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Task;
import dev.limbo.sampling.ProcSource;
import dev.limbo.report.ExplainReport;
import dev.limbo.report.JsonReport;
import dev.limbo.report.Report;
import dev.limbo.report.Reports;
import dev.limbo.rules.Diagnoser;
import dev.limbo.rules.Finding;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code limbo explain PID|TID}: everything about one process. */
@Command(name = "explain", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        header = "Everything about one process or thread, and what releases it.",
        description = "Everything about one process or thread: tree, threads, evidence, causal chain, what releases it.")
public final class ExplainCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "PID", description = "a process id or thread id")
    String target;

    @Override
    public Integer call() {
        common.validate();
        int id;
        try {
            id = Integer.parseInt(target);
        } catch (NumberFormatException e) {
            throw new Main.UsageError("not a pid: '" + target + "'");
        }
        if (id <= 0) {
            throw new Main.UsageError("not a pid: '" + target + "'");
        }
        try (ProcSource source = common.source()) {
            int tgid = source.resolveTgid(id);
            if (tgid < 0) {
                throw new Main.UsageError("no process or thread " + id + " in " + source.display());
            }
            Observation obs = common.observe(source, Set.of(tgid));
            ProcessInfo process = obs.latest().process(tgid);
            if (process == null) {
                process = obs.first().process(tgid);
            }
            if (process == null) {
                throw new Main.UsageError("process " + tgid + " vanished while it was being read");
            }
            List<Integer> tids = process.threads().stream().map(Task::tid).toList();
            List<Finding> findings = new Diagnoser(common.ruleOptions(source), common.texts())
                    .diagnose(obs, f -> f.pid() == tgid || f.tids().stream().anyMatch(tids::contains));
            Report report = Reports.of(obs, findings, source.display(), common.reportedIntervalMs(obs));
            if (common.json()) {
                ObjectNode root = JsonReport.tree(report);
                ObjectNode t = ExplainReport.json(obs, process, id);
                root.set("target", t);
                CommonOptions.withNotes(root, source, common.texts());
                main.out.println(dev.limbo.report.JsonReport.pretty(root));
            } else {
                ExplainReport.render(obs, process, id, report, common.texts(), main.out);
            }
            return report.exitCode();
        }
    }
}
