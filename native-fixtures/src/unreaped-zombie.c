/*
 * unreaped-zombie [--busy] [--hold SECONDS]
 *
 * A live parent that never waits (sleeping, or spinning with --busy) and one zombie child.
 */
#include "fixture.h"

static pid_t parent;

static void cleanup(void) { fx_kill_reap_all(&parent, 1, 5000, 0, NULL); }

int main(int argc, char **argv)
{
    fx_setup("unreaped-zombie");
    int busy = 0;
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--busy")) busy = 1;
        else fx_die("usage: unreaped-zombie [--busy] [--hold SECONDS]");
    }
    fx_cleanup_fn = cleanup;
    int rep[2];
    if (pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    parent = fx_fork();
    if (parent == 0) {
        close(rep[0]);
        pid_t c = fork();
        if (c == 0) _exit(7);
        int v = c < 0 ? -errno : (int)c;
        fx_write_full(rep[1], &v, sizeof v);
        if (busy)
            for (volatile unsigned long k = 0;; k++) {}
        for (;;) pause();
    }
    close(rep[1]);
    int z = 0;
    if (fx_read_full(rep[0], &z, sizeof z, 10000) < 0 || z <= 0) fx_die("parent did not fork its child");
    if (fx_wait_state(z, z, "Z", 5000) < 0) fx_die("child %d is not Z", z);
    fx_emit("\"pids\":{\"parent\":%d,\"zombie\":%d,\"fixture\":%d}", parent, z, getpid());
    fx_hold();
    fx_cleanup_fn = NULL;
    if (fx_kill_reap_all(&parent, 1, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
