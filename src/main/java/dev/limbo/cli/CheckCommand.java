package dev.limbo.cli;

import dev.limbo.monitor.Check;
import dev.limbo.monitor.RuleFilter;
import dev.limbo.monitor.StuckAges;
import dev.limbo.monitor.Textfile;
import dev.limbo.monitor.Thresholds;
import dev.limbo.model.Observation;
import dev.limbo.sampling.ProcSource;
import dev.limbo.rules.Diagnoser;
import dev.limbo.rules.Finding;
import dev.limbo.rules.HungTaskRule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code limbo check}: a health check for cron and monitoring systems (Nagios, Icinga, Sensu...):
 * one status line with perfdata, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. The work runs on a
 * daemon thread; after {@code --timeout} the check answers UNKNOWN, whatever /proc does.
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        header = "Health check for cron and monitoring systems (plugin conventions).",
        description = {"Health check for cron and monitoring systems: one status line with perfdata,",
            "exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (monitoring plugin conventions).",
            "Status: the worst counted finding's severity, raised by -w/-c thresholds.",
            "See docs/operations.md."})
public final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    CommonOptions common;

    @Option(names = {"-w", "--warning"}, paramLabel = "METRIC=RANGE[,...]",
            description = "WARNING when a metric is in its alert range (plugin range syntax: 5 = above 5, 5: = below 5, "
                    + "~:5, 2:8, @2:8 = inside). Metrics: zombies, dstate, findings. E.g. -w zombies=5,dstate=0")
    List<String> warning;

    @Option(names = {"-c", "--critical"}, paramLabel = "METRIC=RANGE[,...]",
            description = "CRITICAL when a metric is in its alert range; same syntax as -w. E.g. -c zombies=50,dstate=2")
    List<String> critical;

    @Option(names = "--rules", paramLabel = "[-]RULE[,...]", preprocessor = dev.limbo.monitor.RulesArgs.class,
            description = "rules that count: ids to include, -id to exclude (e.g. --rules=-unreaped-zombie, --rules hung-task,stuck-in-exit)")
    List<String> rules;

    @Option(names = "--min-age", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "count a zombie or D task (and its findings) only once stuck this long (e.g. 5m; default 0)")
    long minAgeMs;

    @Option(names = "--hung-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "count a hung-task finding only once its task has been stuck this long, as watch does "
                    + "(default: the host's kernel.hung_task_timeout_secs, 120s if 0 or unreadable; 0: at once)")
    Long hungAfterMs;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "answer UNKNOWN after this long (default 10s)")
    long timeoutMs = 10_000;

    @Option(names = "--textfile", paramLabel = "PATH",
            description = "also write node_exporter textfile-collector metrics to PATH (atomically: temp file + rename)")
    Path textfile;

    @Option(names = {"-v", "--verbose"}, description = "after the status line, one line per finding (monitoring long output)")
    boolean verbose;

    @Override
    public Integer call() {
        Check.Settings settings;
        try {
            common.validate();
            if (timeoutMs <= 0) {
                throw new Main.UsageError("--timeout must be more than 0");
            }
            settings = new Check.Settings(Thresholds.parse(warning, "-w"), Thresholds.parse(critical, "-c"),
                    RuleFilter.parse(rules), minAgeMs, hungAfterMs == null ? -1 : hungAfterMs);
        } catch (IllegalArgumentException | Main.UsageError e) {
            // Monitoring systems show stdout: the reason goes there, as an UNKNOWN status line.
            main.out.println(Check.unknownLine(e.getMessage()));
            return Check.UNKNOWN;
        }
        boolean computeAges = minAgeMs > 0 || textfile != null || verbose;

        CompletableFuture<Check.Outcome> result = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                result.complete(run(settings, computeAges));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "limbo-check");
        worker.setDaemon(true);
        worker.start();

        Check.Outcome outcome;
        try {
            outcome = result.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            boolean saved = common.procRoot != null && !java.nio.file.Path.of(common.procRoot).toAbsolutePath().normalize()
                    .startsWith("/proc");
            return unknown("check timed out after " + Check.formatSeconds(timeoutMs / 1000.0) + (saved
                    ? " (reading the saved tree " + common.procRoot + " took longer; it is large or the host is busy)"
                    : " (a /proc read or the host is stuck; see limbo scan)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unknown("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return unknown(cause instanceof Main.UsageError ? cause.getMessage() : "internal error: " + cause);
        }

        String line = outcome.line();
        if (textfile != null) {
            String problem = writeTextfile(Textfile.render(outcome, System.currentTimeMillis() / 1000.0));
            if (problem != null) {
                int bar = line.indexOf(" | ");
                line = line.substring(0, bar) + "; " + problem + line.substring(bar);
            }
        }
        if (common.json()) {
            main.out.println(Check.json(outcome, line));
        } else {
            main.out.println(line);
            if (verbose) {
                outcome.longOutput().forEach(main.out::println);
            }
        }
        return outcome.status();
    }

    private Check.Outcome run(Check.Settings settings, boolean computeAges) {
        long t0 = System.nanoTime();
        ProcSource source = common.source();
        String restricted = source.restriction();
        if (restricted != null) {
            // A partial view would say OK about a host it cannot see: that is not OK, it is unknown.
            throw new Main.UsageError("cannot see every process: " + restricted);
        }
        Observation obs = common.observe(source, Set.of());
        List<Finding> findings = new Diagnoser(common.ruleOptions(source), common.texts()).diagnose(obs, settings.rules());
        boolean hungGate = settings.hungAfterMs() != 0 && findings.stream().anyMatch(f -> f.rule().equals(HungTaskRule.ID));
        StuckAges ages = computeAges || hungGate ? StuckAges.now(source) : StuckAges.none();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return Check.evaluate(obs, findings, ages, computeAges, settings, source.display(), common.reportedIntervalMs(obs),
                seconds, common.texts());
    }

    private int unknown(String reason) {
        String line = Check.unknownLine(reason);
        if (textfile != null) {
            String problem = writeTextfile(Textfile.renderUnknown(System.currentTimeMillis() / 1000.0));
            if (problem != null) {
                line += "; " + problem;
            }
        }
        main.out.println(line);
        return Check.UNKNOWN;
    }

    /** Writes the textfile; returns a one-line problem, or null when written. */
    private String writeTextfile(String content) {
        try {
            Textfile.write(textfile, content);
            return null;
        } catch (IOException e) {
            String msg = "textfile " + textfile + " not written: " + Textfile.why(e);
            main.err.println("limbo: " + msg);
            return msg;
        } catch (RuntimeException e) {
            String msg = "textfile " + textfile + " not written: " + e.getMessage();
            main.err.println("limbo: " + msg);
            return msg;
        }
    }
}
