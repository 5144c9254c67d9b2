/*
 * vfork-parent [--hold SECONDS]
 *
 * A parent in D inside vfork() (wait_for_vfork_done, a killable wait) because its vfork child
 * sleeps instead of calling exec or _exit. Normal and harmless; killing either one ends it.
 */
#include "fixture.h"

static pid_t parent;

static void cleanup(void) { fx_kill_reap_all(&parent, 1, 5000, 0, NULL); }

int main(int argc, char **argv)
{
    fx_setup("vfork-parent");
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        fx_die("usage: vfork-parent [--hold SECONDS]");
    }
    fx_cleanup_fn = cleanup;
    int rep[2];
    if (pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    parent = fx_fork();
    if (parent == 0) {
        close(rep[0]);
        volatile int w = rep[1];
        pid_t c = vfork();
        if (c == 0) {
            /* the vfork child: only async-signal-safe syscalls, and never return */
            int me = (int)syscall(SYS_getpid);
            if (write(w, &me, sizeof me) != (ssize_t)sizeof me) _exit(1);
            for (;;) pause();
        }
        if (c > 0) waitpid(c, NULL, 0);
        _exit(0);
    }
    close(rep[1]);
    int child = 0;
    if (fx_read_full(rep[0], &child, sizeof child, 10000) < 0) fx_die("vfork child did not report");
    if (fx_wait_state(parent, parent, "D", 5000) < 0) fx_die("parent %d is not D", parent);
    if (fx_wait_state(child, child, "S", 5000) < 0) fx_die("child %d is not sleeping", child);
    fx_emit("\"pids\":{\"parent\":%d,\"child\":%d,\"fixture\":%d},\"tids\":{\"waiting\":%d}",
            parent, child, getpid(), parent);
    fx_hold();
    /* end the child: the parent returns from vfork, reaps it and exits */
    kill(child, SIGKILL);
    int st = fx_reap(parent, 5000);
    if (st < 0) fx_die("vfork parent %d did not finish after its child died", parent);
    parent = 0;
    fx_cleanup_fn = NULL;
    if (fx_kill_reap_all(NULL, 0, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
