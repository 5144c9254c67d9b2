package dev.limbo.procfs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Whether a live procfs shows this process every task. A procfs mounted {@code hidepid=2}
 * ({@code invisible}) hides other users' processes from a reader without ptrace rights over
 * them, and {@code hidepid=1} ({@code noaccess}) denies reading their files: a non-root scan
 * would then see a few of its own processes and call the host healthy. Judged from the mount's
 * options in our own mountinfo and our effective uid (root, and any reader with
 * CAP_SYS_PTRACE, sees everything).
 */
public final class ProcView {
    private static final int CAP_SYS_PTRACE = 19;

    private ProcView() {
    }

    /** Why the procfs at {@code dir} hides tasks from us, or null when it shows them all. */
    public static String restriction(Path dir) {
        String real;
        try {
            real = dir.toRealPath().toString();
        } catch (IOException e) {
            return null;
        }
        String options = superOptions(ProcRoot.live().read("self/mountinfo").text(), real);
        if (options == null) {
            return null;
        }
        String hidepid = null;
        for (String o : options.split(",")) {
            if (o.startsWith("hidepid=")) {
                hidepid = o.substring("hidepid=".length());
            }
        }
        if (hidepid == null || hidepid.equals("0") || hidepid.equals("off") || seesAll()) {
            return null;
        }
        return "the procfs at " + real + " is mounted hidepid=" + hidepid + ": as uid " + euid()
                + ", other users' processes are " + (hidepid.equals("1") || hidepid.equals("noaccess") ? "unreadable" : "hidden")
                + " (run as root, or in the mount's gid= group)";
    }

    /** The super options of the last proc mount at {@code mountPoint} in a mountinfo text. */
    static String superOptions(String mountinfo, String mountPoint) {
        if (mountinfo == null) {
            return null;
        }
        String found = null;
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            int dash = line.indexOf(" - ");
            if (f.length < 5 || dash < 0 || !unescape(f[4]).equals(mountPoint)) {
                continue;
            }
            String[] tail = line.substring(dash + 3).split(" ");
            if (tail.length >= 3 && tail[0].equals("proc")) {
                found = tail[2]; // the last mount at a path is the one on top
            }
        }
        return found;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private static String euid() {
        TaskStatus self = StatusParser.parse(ProcRoot.live().read("self/status").text());
        String uid = self == null ? null : self.line("Uid");
        if (uid == null) {
            return "?";
        }
        String[] f = uid.substring(uid.indexOf(':') + 1).strip().split("\\s+");
        return f.length > 1 ? f[1] : "?";
    }

    private static boolean seesAll() {
        if ("0".equals(euid())) {
            return true;
        }
        TaskStatus self = StatusParser.parse(ProcRoot.live().read("self/status").text());
        String capEff = self == null ? null : self.line("CapEff");
        if (capEff == null) {
            return false;
        }
        SignalSet caps = SignalSet.parse(capEff.substring(capEff.indexOf(':') + 1));
        return caps != null && caps.contains(CAP_SYS_PTRACE + 1);
    }
}
