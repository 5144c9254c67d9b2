package dev.limbo.cli;

import dev.limbo.model.Observation;
import dev.limbo.sampling.ProcSource;
import dev.limbo.procfs.ReadPool;
import dev.limbo.rules.RuleOptions;
import dev.limbo.rules.Texts;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options SPEC gives every command, and how they turn into a source and an observation. */
public final class CommonOptions {
    @Option(names = "--proc-root", paramLabel = "DIR",
            description = "procfs root: live /proc by default, or a saved tree or snapshot (directory or .tar.gz)")
    String procRoot;

    @Option(names = "--format", paramLabel = "FORMAT", description = "text (default) or json")
    String format = "text";

    @Option(names = "--samples", paramLabel = "N",
            description = "passes over the suspects (live default: 3 when there are suspects, else 1)")
    Integer samples;

    // watch replaces this description with its own default (Main.watch())
    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "time between passes: 500ms, 1s, 2m, 1h or seconds (default 500ms)")
    Long intervalMs;

    @Option(names = "--lang", paramLabel = "LANG",
            description = "en or zh (default: from LC_ALL, LC_MESSAGES or LANG: zh_* gives zh, anything else en)")
    String lang = defaultLang(System.getenv());

    /** The language the locale environment asks for, as a C library would pick it: LC_ALL, then LC_MESSAGES, then LANG. */
    static String defaultLang(java.util.Map<String, String> env) {
        for (String var : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
            String v = env.get(var);
            if (v != null && !v.isEmpty()) {
                return v.startsWith("zh") ? "zh" : "en";
            }
        }
        return "en";
    }

    @Option(names = "--read-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "abandon a /proc read after this long and report it (default 500ms)")
    Long readTimeoutMs;

    @Option(names = "--zombie-threshold", paramLabel = "N",
            description = "zombie children of one parent that make zombie-accumulation fire (default 10)")
    int zombieThreshold = 10;

    static final int DEFAULT_SAMPLES = 3;
    static final long DEFAULT_INTERVAL_MS = 500;

    public void validate() {
        if (!format.equals("text") && !format.equals("json")) {
            throw new Main.UsageError("--format must be text or json, not '" + format + "'");
        }
        if (!lang.equals("en") && !lang.equals("zh")) {
            throw new Main.UsageError("--lang must be en or zh, not '" + lang + "'");
        }
        if (samples != null && (samples < 1 || samples > 1000)) {
            throw new Main.UsageError("--samples must be between 1 and 1000");
        }
        if (zombieThreshold < 1) {
            throw new Main.UsageError("--zombie-threshold must be at least 1");
        }
    }

    public boolean json() {
        return format.equals("json");
    }

    public Texts texts() {
        return Texts.of(lang);
    }

    public int samples() {
        return samples == null ? DEFAULT_SAMPLES : samples;
    }

    public long intervalMs() {
        return intervalMs == null ? DEFAULT_INTERVAL_MS : intervalMs;
    }

    /** Live reads are abandoned after 500 ms; saved files cannot block on a task, so 10 s. */
    public ReadPool pool(boolean live) {
        long dflt = live ? 500 : 10_000;
        return new ReadPool(2, readTimeoutMs == null ? dflt : Math.max(1, readTimeoutMs));
    }

    public ProcSource source() {
        try {
            return ProcSource.open(procRoot);
        } catch (ProcSource.BadRootException e) {
            throw new Main.UsageError(e.getMessage());
        }
    }

    public RuleOptions ruleOptions(ProcSource source) {
        String arch = System.getProperty("os.arch", "");
        boolean x86 = source.isLive() && (arch.equals("amd64") || arch.equals("x86_64"));
        return new RuleOptions(zombieThreshold, x86);
    }

    public Observation observe(ProcSource source, Set<Integer> alsoDeep) {
        if (samples == null && intervalMs == null) {
            source.whenOnlyZombies(2, 200);
        }
        try {
            return source.observe(pool(source.isLive()), samples(), intervalMs(), alsoDeep);
        } catch (ProcSource.TooLargeException e) {
            throw new Main.UsageError(e.getMessage());
        }
    }

    /**
     * Adds {@code notes} to a JSON report: what the reader should know about how it was made, as
     * the text report says it (today: without CAP_SYS_ADMIN, kernel stacks could not be read).
     */
    static com.fasterxml.jackson.databind.node.ObjectNode withNotes(com.fasterxml.jackson.databind.node.ObjectNode root,
            ProcSource source, Texts texts) {
        if (source.isLive() && !dev.limbo.procfs.Privileges.canReadStacks()) {
            root.putArray("notes").add(texts.get("text.note.no-stacks"));
        }
        return root;
    }

    /** The interval actually between samples, for the report (0 for a single sample). */
    public long reportedIntervalMs(Observation obs) {
        return obs.samples().size() < 2 ? 0 : Math.round(obs.spanSeconds() * 1000 / (obs.samples().size() - 1));
    }
}
