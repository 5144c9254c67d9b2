package dev.limbo.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs limbo in-process (Main.execute) and keeps what it printed. */
record Limbo(int code, String out, String err) {

    static Limbo run(String... args) {
        return exact(withPatientReads(args));
    }

    /**
     * Reads of a saved tree never block; a loaded CI machine can still stall a read thread past
     * the default 500 ms, which would add a spurious proc-read-blocked finding. Saved-tree scans
     * in these tests therefore get {@code --read-timeout 10s} unless they set one.
     */
    static String[] withPatientReads(String... args) {
        List<String> a = List.of(args);
        if (a.isEmpty() || !(a.get(0).equals("scan") || a.get(0).equals("explain")) || !a.contains("--proc-root")
                || a.contains("--read-timeout") || a.contains("--help")) {
            return args;
        }
        String[] out = java.util.Arrays.copyOf(args, args.length + 2);
        out[args.length] = "--read-timeout";
        out[args.length + 1] = "10s";
        return out;
    }

    /** Exactly these arguments. */
    static Limbo exact(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            code = Main.execute(out, err, args);
        }
        return new Limbo(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    List<String> errLines() {
        return err.lines().toList();
    }
}
