package dev.limbo.model;

/**
 * A kernel's major.minor, read from {@code sys/kernel/osrelease} ("6.18.44-fc-v782" → 6.18).
 * Comparisons ignore the patch level: the killability of a wait changes between minor releases.
 */
public record KernelVersion(int major, int minor) implements Comparable<KernelVersion> {

    /** The version in an osrelease string, or null when it does not start with "N.N". */
    public static KernelVersion parse(String release) {
        if (release == null) {
            return null;
        }
        String s = release.strip();
        int i = 0;
        int major = 0;
        int digits = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && digits < 4) {
            major = major * 10 + (s.charAt(i++) - '0');
            digits++;
        }
        if (digits == 0 || i >= s.length() || s.charAt(i) != '.') {
            return null;
        }
        i++;
        int minor = 0;
        digits = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && digits < 4) {
            minor = minor * 10 + (s.charAt(i++) - '0');
            digits++;
        }
        return digits == 0 ? null : new KernelVersion(major, minor);
    }

    public static KernelVersion of(String dotted) {
        KernelVersion v = parse(dotted);
        if (v == null) {
            throw new IllegalArgumentException("not a kernel version: " + dotted);
        }
        return v;
    }

    @Override
    public int compareTo(KernelVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    public boolean atLeast(KernelVersion o) {
        return compareTo(o) >= 0;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
