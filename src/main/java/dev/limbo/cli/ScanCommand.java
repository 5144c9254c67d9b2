package dev.limbo.cli;

import dev.limbo.model.Observation;
import dev.limbo.procfs.Privileges;
import dev.limbo.sampling.ProcSource;
import dev.limbo.report.JsonReport;
import dev.limbo.report.Report;
import dev.limbo.report.Reports;
import dev.limbo.report.TextReport;
import dev.limbo.rules.Diagnoser;
import dev.limbo.rules.Finding;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code limbo scan}: one pass over every process and thread; prints findings. */
@Command(name = "scan", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        header = "One pass over every process and thread; prints the findings.",
        description = "One pass over every process and thread; prints findings. Exit 0 ok, 1 warning, 2 critical, 3 error.")
public final class ScanCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        common.validate();
        try (ProcSource source = common.source()) {
            Observation obs = common.observe(source, Set.of());
            List<Finding> findings = new Diagnoser(common.ruleOptions(source), common.texts()).diagnose(obs);
            Report report = Reports.of(obs, findings, source.display(), common.reportedIntervalMs(obs));
            String restricted = source.restriction();
            if (common.json()) {
                var tree = CommonOptions.withNotes(JsonReport.tree(report), source, common.texts());
                if (restricted != null) {
                    tree.put("restrictedView", restricted);
                }
                main.out.println(JsonReport.pretty(tree));
            } else {
                TextReport.render(report, common.texts(), main.out, false);
                if (restricted != null) {
                    main.out.println();
                    main.out.println("Note: not every process is visible: " + restricted);
                }
                if (source.isLive() && !Privileges.canReadStacks()) {
                    main.out.println();
                    main.out.println(common.texts().get("text.note.no-stacks"));
                }
            }
            return report.exitCode();
        }
    }
}
