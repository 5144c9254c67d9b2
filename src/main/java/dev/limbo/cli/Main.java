package dev.limbo.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** limbo's entry point: picocli dispatch, one-line errors, SPEC exit codes. */
@Command(name = "limbo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Finds tasks stuck between life and death (unreaped zombies, D-state threads) and explains why.")
public final class Main implements Runnable {
    /** Exit code when limbo could not do its job (bad arguments, unreadable root). */
    public static final int EXIT_TOOL_ERROR = 3;

    private static final String[] SUBCOMMAND_NAMES = {"scan", "explain", "snapshot", "rules", "check", "watch"};

    private static Object newSubcommand(String name) {
        switch (name) {
            case "scan": return new ScanCommand();
            case "explain": return new ExplainCommand();
            case "snapshot": return new SnapshotCommand();
            case "rules": return new RulesCommand();
            case "check": return new CheckCommand();
            default: return new WatchCommand();
        }
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
            known |= name.equals(first);
        }
        for (String name : SUBCOMMAND_NAMES) {
            if (!known || name.equals(first)) {
                cl.addSubcommand(name, newSubcommand(name));
            }
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("limbo: " + ex.getMessage());
            err.println("Try 'limbo " + (ex.getCommandLine() == cl ? "" : ex.getCommandLine().getCommandName() + " ") + "--help'.");
            return EXIT_TOOL_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
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

    @Override
    public void run() {
        CommandLine.usage(this, out);
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
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"limbo " + (v == null ? "dev" : v)};
        }
    }
}
