package dev.limbo.procfs;

import java.util.ArrayList;
import java.util.List;

/**
 * A signal mask as /proc/PID/status prints it: hex, most significant digit first, 16 digits on
 * x86/arm64 and 32 on MIPS. Bit n-1 is signal n. Names follow asm-generic/x86 numbering.
 */
public record SignalSet(long low, long high) {
    public static final SignalSet EMPTY = new SignalSet(0, 0);

    public static final int SIGHUP = 1, SIGINT = 2, SIGKILL = 9, SIGTERM = 15, SIGCHLD = 17, SIGSTOP = 19;

    private static final String[] NAMES = {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"
    };

    /** Parses a hex mask; returns null when the text is not one (absent evidence, not an error). */
    public static SignalSet parse(String hex) {
        if (hex == null) {
            return null;
        }
        String s = hex.strip();
        if (s.isEmpty() || s.length() > 32) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return null;
            }
        }
        int split = Math.max(0, s.length() - 16);
        long low = Long.parseUnsignedLong(s.substring(split), 16);
        long high = split == 0 ? 0 : Long.parseUnsignedLong(s.substring(0, split), 16);
        return new SignalSet(low, high);
    }

    public boolean contains(int signal) {
        if (signal < 1 || signal > 128) {
            return false;
        }
        int bit = signal - 1;
        return bit < 64 ? (low >>> bit & 1) != 0 : (high >>> (bit - 64) & 1) != 0;
    }

    public boolean isEmpty() {
        return low == 0 && high == 0;
    }

    public List<Integer> signals() {
        List<Integer> out = new ArrayList<>();
        for (int sig = 1; sig <= 128; sig++) {
            if (contains(sig)) {
                out.add(sig);
            }
        }
        return out;
    }

    public static String name(int signal) {
        if (signal > 0 && signal < NAMES.length) {
            return NAMES[signal];
        }
        return signal >= 32 && signal <= 64 ? "SIGRT" + (signal - 32) : "SIG" + signal;
    }

    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (int sig : signals()) {
            out.add(name(sig));
        }
        return out;
    }

    @Override
    public String toString() {
        return names().toString();
    }
}
