package dev.limbo.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes troff man pages ({@code limbo.1}, {@code limbo-COMMAND.1}) from the picocli model, the
 * same model {@code --help} and {@code generate-completion} come from, so the three never
 * disagree. Run at build time by the release profile: {@code java -cp limbo.jar
 * dev.limbo.cli.ManPages OUTDIR}. (picocli-codegen's ManPageGenerator writes AsciiDoc, which needs
 * Asciidoctor and a Ruby or JRuby runtime to become troff; this writes troff directly.)
 */
public final class ManPages {
    private ManPages() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ManPages OUTDIR");
            System.exit(3);
        }
        for (Path p : write(Path.of(args[0]))) {
            System.out.println(p);
        }
    }

    /** Writes every page into {@code dir}; returns the files written. */
    public static List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        CommandLine root = Main.commandLine();
        String version = dev.limbo.report.BuildInfo.version();
        // reproducible builds: SOURCE_DATE_EPOCH when set, else today
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        LocalDate date = epoch != null && epoch.matches("\\d+")
                ? LocalDate.ofEpochDay(Long.parseLong(epoch) / 86400) : LocalDate.now(ZoneOffset.UTC);
        List<Path> out = new ArrayList<>();
        Path main = dir.resolve("limbo.1");
        Files.writeString(main, page(root.getCommandSpec(), "limbo", version, date, root), StandardCharsets.UTF_8);
        out.add(main);
        for (CommandLine sub : root.getSubcommands().values()) {
            String name = "limbo-" + sub.getCommandName();
            Path p = dir.resolve(name + ".1");
            Files.writeString(p, page(sub.getCommandSpec(), name, version, date, null), StandardCharsets.UTF_8);
            out.add(p);
        }
        return out;
    }

    static String page(CommandSpec spec, String name, String version, LocalDate date, CommandLine root) {
        StringBuilder b = new StringBuilder();
        b.append(".\\\" generated from the picocli model by dev.limbo.cli.ManPages; do not edit\n");
        b.append(".TH ").append(name.toUpperCase()).append(" 1 \"").append(date).append("\" \"limbo ")
                .append(esc(version)).append("\" \"limbo manual\"\n");
        b.append(".SH NAME\n").append(esc(name)).append(" \\- ").append(esc(summary(spec))).append('\n');
        b.append(".SH SYNOPSIS\n.B ").append(esc(spec.qualifiedName())).append('\n');
        String synopsis = spec.commandLine().getHelp().synopsis(0).strip();
        String afterName = synopsis.startsWith("Usage: ") ? synopsis.substring(7) : synopsis;
        afterName = afterName.substring(Math.min(afterName.length(), spec.qualifiedName().length())).strip();
        if (!afterName.isEmpty()) {
            b.append(esc(afterName.replaceAll("\\s+", " "))).append('\n');
        }
        b.append(".SH DESCRIPTION\n");
        for (String line : spec.usageMessage().description()) {
            b.append(esc(line)).append('\n');
        }
        if (!spec.positionalParameters().isEmpty()) {
            b.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                b.append(".TP\n.I ").append(esc(p.paramLabel())).append('\n').append(esc(String.join(" ", p.description()))).append('\n');
            }
        }
        b.append(".SH OPTIONS\n");
        List<OptionSpec> options = new ArrayList<>(spec.options());
        options.sort((x, y) -> x.longestName().replaceFirst("^-+", "").compareToIgnoreCase(y.longestName().replaceFirst("^-+", "")));
        for (OptionSpec o : options) {
            if (o.hidden()) {
                continue;
            }
            b.append(".TP\n.B ").append(esc(String.join(", ", o.names())));
            if (o.arity().max() > 0) {
                b.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
            }
            b.append('\n').append(esc(String.join(" ", o.description()))).append('\n');
        }
        if (root != null) {
            b.append(".SH COMMANDS\n");
            for (CommandLine sub : root.getSubcommands().values()) {
                b.append(".TP\n.B ").append(esc(sub.getCommandName())).append('\n').append(esc(summary(sub.getCommandSpec())))
                        .append("\nSee \\fBlimbo-").append(esc(sub.getCommandName())).append("\\fR(1).\n");
            }
        }
        b.append(".SH EXIT STATUS\n0 nothing at WARNING or above; 1 WARNING; 2 CRITICAL; 3 limbo could not do its job");
        b.append(name.equals("limbo-check") ? " (UNKNOWN: a status line \\fBlimbo UNKNOWN \\- reason\\fR is printed on stdout).\n" : ".\n");
        b.append(".SH FILES\n/opt/limbo (packages and tarball), /usr/share/doc/limbo, the rule pages: \\fBlimbo rules\\fR \\fIID\\fR.\n");
        b.append(".SH SEE ALSO\n");
        if (root == null) {
            b.append("\\fBlimbo\\fR(1), ");
        }
        b.append("\\fBps\\fR(1), \\fBproc\\fR(5); docs/operations.md in the limbo sources.\n");
        return b.toString();
    }

    private static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        String[] description = spec.usageMessage().description();
        return header.length > 0 ? header[0] : description.length > 0 ? description[0] : "";
    }

    /** troff escaping: backslashes, and a leading dot or quote would start a request. */
    static String esc(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        if (t.startsWith(".") || t.startsWith("'")) {
            t = "\\&" + t;
        }
        return t;
    }
}
