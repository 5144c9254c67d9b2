package dev.limbo.rules;

import dev.limbo.model.Progress;
import dev.limbo.model.Wait;
import dev.limbo.model.WaitKind;
import java.util.ArrayList;
import java.util.List;

/** The sentences about what a D task waits on, what ends that wait, and the remedies. */
final class WaitTexts {
    private WaitTexts() {
    }

    static String key(Wait w) {
        return "wait." + w.kind().name().toLowerCase().replace('_', '-');
    }

    private static Object[] args(Wait w) {
        return new Object[] {
            w.function() == null ? "?" : w.function(),
            w.module() == null ? "?" : w.module(),
            w.fuseConnection() >= 0 ? String.valueOf(w.fuseConnection()) : "N",
            w.file() == null ? "?" : w.file(),
            w.mountPoint() == null ? "?" : w.mountPoint()
        };
    }

    static String what(Context ctx, Wait w) {
        return what(ctx, w, null);
    }

    /**
     * The sentence for a wait; {@code state} (when known) picks the FUSE phase: a task in
     * request_wait_answer() shown as S is still in the interruptible phase.
     */
    static String what(Context ctx, Wait w, dev.limbo.procfs.TaskState state) {
        String k = key(w) + ".what";
        if (w.kind() == dev.limbo.model.WaitKind.FUSE) {
            if (!"request_wait_answer".equals(w.function())) {
                k = "wait.fuse.what.no-request";
            } else if (state != null && state.letter() == 'S') {
                k = "wait.fuse.what.interruptible";
            }
        }
        String s = ctx.t(k, args(w));
        if (w.killable() == Boolean.TRUE) {
            s = join(s, ctx.t("wait.killable"));
        } else if (w.killable() == Boolean.FALSE) {
            s = join(s, ctx.t("wait.unkillable"));
        } else if (!w.exiting() || w.kind() != WaitKind.EXIT_PATH) {
            s = join(s, ctx.t("wait.killable-unknown"));
        }
        if (w.file() != null) {
            s = join(s, ctx.t("wait.file", args(w)));
        }
        return s;
    }

    /** Two phrases, with a space between them unless the second opens with a full-width mark (Chinese). */
    static String join(String a, String b) {
        return !b.isEmpty() && b.charAt(0) >= 0x3000 && b.charAt(0) <= 0xFFEF && !Character.isLetterOrDigit(b.charAt(0))
                ? a + b : a + " " + b;
    }

    static String release(Context ctx, Wait w) {
        return ctx.t(key(w) + ".release", args(w));
    }

    static List<Remedy> remedies(Context ctx, Wait w) {
        List<Remedy> out = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            String k = key(w) + ".remedy." + i;
            if (!ctx.texts().has(k + ".action")) {
                break;
            }
            out.add(new Remedy(ctx.t(k + ".action", args(w)), ctx.t(k + ".risk", args(w))));
        }
        out.add(new Remedy(ctx.t("remedy.reboot.action"), ctx.t("remedy.reboot.risk")));
        return out;
    }

    /** What the judgement rests on, when it is less than a kernel stack. */
    static String basis(Context ctx, Wait w) {
        if (w.basis().equals("stack")) {
            return null;
        }
        return ctx.t("wait.basis." + w.basis());
    }

    static String progress(Context ctx, Progress p) {
        int n = ctx.observation().samples().size();
        String span = String.format(java.util.Locale.ROOT, "%.1f", ctx.observation().spanSeconds());
        switch (p) {
            case STUCK:
                return ctx.t("progress.stuck", n, span);
            case PROGRESSING:
                return ctx.t("progress.progressing", n, span);
            default:
                return n < 2 ? ctx.t("progress.single") : ctx.t("progress.unknown");
        }
    }
}
