package dev.limbo.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** limbo's entry point: picocli dispatch, one-line errors, SPEC exit codes. */
@Command(name = "limbo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Finds tasks stuck between life and death (unreaped zombies, D-state threads) and explains why.",
        footer = {"", "Exit codes: 0 nothing at WARNING or above, 1 WARNING, 2 CRITICAL, 3 limbo could not do its job.",
            "'limbo COMMAND --help' for a command's options; man limbo-COMMAND; docs/operations.md."})
public final class Main implements Runnable {
    /** Exit code when limbo could not do its job (bad arguments, unreadable root). */
    public static final int EXIT_TOOL_ERROR = 3;

    private static final String[] SUBCOMMAND_NAMES = {"scan", "explain", "snapshot", "rules", "check", "watch",
        "generate-completion"};
    /** Commands that need the whole command tree (they describe it). */
    private static final String COMPLETION = "generate-completion";

    private static Object newSubcommand(String name) {
        switch (name) {
            case "scan": return new ScanCommand();
            case "explain": return new ExplainCommand();
            case "snapshot": return new SnapshotCommand();
            case "rules": return new RulesCommand();
            case "check": return new CheckCommand();
            case COMPLETION: return new picocli.AutoComplete.GenerateCompletion();
            default: return watch();
        }
    }

    /** watch with its own --interval default in help (the shared option says 500ms; watch samples every 5 s). */
    private static CommandLine watch() {
        CommandLine watch = new CommandLine(new WatchCommand());
        CommandLine.Model.CommandSpec spec = watch.getCommandSpec();
        CommandLine.Model.OptionSpec interval = spec.findOption("--interval");
        spec.remove(interval);
        spec.addOption(interval.toBuilder().description("time between samples: 500ms, 1s, 2m, 1h or seconds (default "
                + WatchCommand.DEFAULT_INTERVAL_MS / 1000 + "s)").build());
        return watch;
    }

    /** The whole command tree, every subcommand built: for man pages, completion and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (String name : SUBCOMMAND_NAMES) {
            cl.addSubcommand(name, newSubcommand(name));
        }
        return cl;
    }

    PrintStream out;
    PrintStream err;

    public static void main(String[] args) {
        int code = execute(System.out, System.err, args);
        System.out.flush();
        // Abandoned read threads are daemons: they cannot hold the exit.
        System.exit(code);
    }

    /** Runs limbo in-process; returns the SPEC exit code. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        Main main = new Main();
        main.out = out;
        main.err = err;
        CommandLine cl = new CommandLine(main);
        // picocli reflects over every command class it is given (~35-100 ms each here): build only
        // the subcommand asked for; all of them for help, usage errors or an unknown name.
        String first = args.length > 0 ? args[0] : "";
        boolean known = false;
        for (String name : SUBCOMMAND_NAMES) {
            known |= name.equals(first) && !name.equals(COMPLETION);
        }
        for (String name : SUBCOMMAND_NAMES) {
            if (!known || name.equals(first)) {
                cl.addSubcommand(name, newSubcommand(name));
            }
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            if (ex.getCommandLine().getCommandSpec().userObject() instanceof CheckCommand) {
                // monitoring systems show stdout: even a bad option must leave a status line there
                out.println(dev.limbo.monitor.Check.unknownLine(ex.getMessage()));
            }
            err.println("limbo: " + ex.getMessage());
            // keep picocli's "Did you mean: limbo scan?" for a mistyped command or option
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try 'limbo " + (ex.getCommandLine() == cl ? "" : ex.getCommandLine().getCommandName() + " ") + "--help'.");
            return EXIT_TOOL_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (c.getCommandSpec().userObject() instanceof CheckCommand) {
                out.println(dev.limbo.monitor.Check.unknownLine(ex instanceof UsageError ? ex.getMessage() : "internal error: " + ex));
            }
            if (ex instanceof UsageError) {
                err.println("limbo: " + ex.getMessage());
            } else {
                err.println("limbo: internal error: " + ex);
            }
            return EXIT_TOOL_ERROR;
        });
        int code = cl.execute(args);
        out.flush();
        return code;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Bare {@code limbo}: the usage with the list of commands. */
    @Override
    public void run() {
        spec.commandLine().usage(out);
    }

    /** An error the user can fix: printed as one line, exit 3. */
    public static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageError(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"limbo " + dev.limbo.report.BuildInfo.version()};
        }
    }
}
