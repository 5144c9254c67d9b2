package dev.limbo.cli;

public final class Main {
    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, args));
    }

    public static int execute(java.io.PrintStream out, java.io.PrintStream err, String... args) {
        out.println("limbo: not yet");
        return 3;
    }
}
