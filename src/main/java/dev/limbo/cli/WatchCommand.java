package dev.limbo.cli;

import dev.limbo.agent.Agent;
import dev.limbo.agent.AgentMetrics;
import dev.limbo.agent.AgentServer;
import dev.limbo.monitor.Check;
import dev.limbo.agent.EventLog;
import dev.limbo.monitor.RuleFilter;
import dev.limbo.agent.Views;
import dev.limbo.sampling.ProcSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code limbo watch}: the long-running agent. Samples every {@code --interval}, tracks how long
 * tasks stay Z or D, writes NDJSON events, serves /metrics, /findings and /healthz.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        header = "Agent: tracks stuck tasks, emits events, serves Prometheus metrics.",
        description = {"Long-running agent: samples every --interval (default 5s), tracks how long tasks stay Z or D,",
            "emits NDJSON events (finding appeared, severity-changed, resolved) and serves /metrics (Prometheus),",
            "/findings (JSON limbo/v1) and /healthz on --listen (default 127.0.0.1:9977). GET only.",
            "--once: two samples --interval apart, print the findings, exit (0 ok, 1 warning, 2 critical).",
            "See docs/operations.md."})
public final class WatchCommand implements Callable<Integer> {
    static final long DEFAULT_INTERVAL_MS = 5000;

    @ParentCommand
    Main main;

    @Mixin
    CommonOptions common;

    @Option(names = "--hung-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "report a D task that does not progress this long as hung-task (default: the host's "
                    + "kernel.hung_task_timeout_secs, 120s if 0 or unreadable)")
    Long hungAfterMs;

    @Option(names = "--min-age", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "open a finding only once its zombie or D tasks are stuck this long (default 0: two samples)")
    long minAgeMs;

    @Option(names = "--rules", paramLabel = "[-]RULE[,...]", preprocessor = dev.limbo.monitor.RulesArgs.class,
            description = "rules that count: ids to include, -id to exclude (e.g. --rules=-zombie-leader-live-threads)")
    List<String> rules;

    @Option(names = "--events", paramLabel = "FILE", description = "append NDJSON events to FILE (default: stdout)")
    Path events;

    @Option(names = "--listen", paramLabel = "ADDR",
            description = "HTTP address: HOST:PORT, [IPv6]:PORT, :PORT (all interfaces), or off (default 127.0.0.1:9977)")
    String listen = "127.0.0.1:9977";

    @Option(names = "--full-every", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how often a pass reads every task (default 30s); rounds in between re-read only the processes "
                    + "with a Z/D task, so a new stuck task is noticed within this time. 0: every round")
    long fullEveryMs = 30_000;

    @Option(names = "--once", description = "one round (two samples --interval apart), print the findings, exit")
    boolean once;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "stop after this long (default: run until SIGTERM/SIGINT)")
    Long durationMs;

    @Override
    public Integer call() throws Exception {
        common.validate();
        long interval = common.intervalMs == null ? DEFAULT_INTERVAL_MS : common.intervalMs;
        if (interval < 100) {
            throw new Main.UsageError("--interval must be at least 100ms");
        }
        RuleFilter filter;
        InetSocketAddress address;
        try {
            filter = RuleFilter.parse(rules);
            // checked with --once too: a wrong value is wrong whether or not it is used this time
            InetSocketAddress parsed = AgentServer.parseListen(listen);
            address = once ? null : parsed;
        } catch (IllegalArgumentException e) {
            throw new Main.UsageError(e.getMessage());
        }
        if (address != null && address.isUnresolved()) {
            throw new Main.UsageError("--listen: cannot resolve host '" + address.getHostString() + "'");
        }
        EventLog eventFile = null;
        if (events != null) {
            try {
                eventFile = EventLog.checked(events);
            } catch (IOException e) {
                throw new Main.UsageError("cannot write events to " + events + ": " + e.getMessage());
            }
        }
        ProcSource source = common.source();
        if (source.restriction() != null) {
            main.err.println("limbo watch: note: not every process is visible: " + source.restriction());
        }
        long readTimeout = common.readTimeoutMs == null ? 500 : Math.max(1, common.readTimeoutMs);
        Agent.Config config = new Agent.Config(interval, hungAfterMs == null ? -1 : hungAfterMs, minAgeMs, filter,
                common.ruleOptions(source), common.texts(), readTimeout, once ? 0 : fullEveryMs);

        if (once) {
            EventLog log = eventFile;
            Agent agent = new Agent(source, config, log == null ? ev -> { } : log, Agent.Clock.SYSTEM);
            agent.round();
            if (source.isLive()) {
                ProcSource.sleep(interval);
            }
            Agent.State s = agent.round();
            if (common.json()) {
                main.out.println(dev.limbo.report.JsonReport.pretty(Views.json(s, interval)));
            } else {
                Views.text(s, common.texts(), main.out);
            }
            return s.report().exitCode();
        }

        EventLog log = eventFile == null ? EventLog.to(main.out) : eventFile;
        Agent agent = new Agent(source, config, log, Agent.Clock.SYSTEM);
        AgentServer server = null;
        if (address != null) {
            try {
                server = AgentServer.start(address, agent, new AgentMetrics(agent), common.texts());
            } catch (IOException e) {
                throw new Main.UsageError("cannot listen on " + listen + ": " + e.getMessage());
            }
            InetSocketAddress bound = server.address();
            main.err.println(String.format("limbo watch: serving http://%s/ (/metrics, /findings, /healthz); sampling every %s, hung-task after %s", bound.getHostString() + ":" + bound.getPort(),
                    Check.formatSeconds(interval / 1000.0),
                    hungAfterMs == null ? "kernel.hung_task_timeout_secs" : Check.formatSeconds(hungAfterMs / 1000.0)));
        }
        if (events != null) {
            main.err.println("limbo watch: events to " + events);
        }
        var started = EventLog.fields().put("version", dev.limbo.report.BuildInfo.version()).put("procRoot", source.display()).put("intervalMs", interval)
                .put("hungAfterMs", hungAfterMs == null ? -1 : hungAfterMs).put("minAgeMs", minAgeMs).put("fullEveryMs", fullEveryMs).put("rules", filter.toString());
        if (server != null) {
            started.put("listen", server.address().getHostString() + ":" + server.address().getPort());
        }
        log.lifecycle("started", started);

        CountDownLatch done = new CountDownLatch(1);
        Thread loop = Thread.currentThread();
        final boolean[] stop = {false};
        Thread hook = new Thread(() -> {
            synchronized (stop) {
                stop[0] = true;
            }
            loop.interrupt();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "limbo-watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long start = System.nanoTime();
        long next = start;
        try {
            while (true) {
                synchronized (stop) {
                    if (stop[0]) {
                        break;
                    }
                }
                try {
                    agent.round();
                } catch (RuntimeException e) {
                    agent.roundFailed();
                    main.err.println("limbo watch: scan round failed: " + e);
                }
                long now = System.nanoTime();
                if (durationMs != null && now - start >= durationMs * 1_000_000L) {
                    break;
                }
                next += interval * 1_000_000L;
                if (next < now) {
                    next = now + interval * 1_000_000L; // fell behind (loaded host): skip, do not burst
                }
                long wait = (next - now) / 1_000_000L;
                if (durationMs != null) {
                    wait = Math.min(wait, Math.max(0, durationMs - (now - start) / 1_000_000L));
                }
                try {
                    Thread.sleep(Math.max(1, wait));
                } catch (InterruptedException e) {
                    break;
                }
                if (durationMs != null && System.nanoTime() - start >= durationMs * 1_000_000L) {
                    break;
                }
            }
        } finally {
            if (server != null) {
                server.close();
            }
            log.lifecycle("stopped", EventLog.fields().put("scans", agent.scans()));
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            Thread.interrupted();
        }
        return 0;
    }
}
