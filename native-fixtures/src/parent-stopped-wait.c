/*
 * parent-stopped-wait [--hold SECONDS]
 *
 * A parent blocked in wait4() on its child is stopped (SIGSTOP) inside that wait; the child then
 * exits and stays a zombie: a stopped task runs no code. /proc shows the parent in T with its
 * syscall file still reading wait4 (61 on x86_64). SIGCONT resumes the wait, which reaps the
 * child - that is how this fixture releases (and what limbo should offer).
 */
#include "fixture.h"

static pid_t parent;

static void cleanup(void)
{
    if (parent > 0) kill(parent, SIGCONT);
    fx_kill_reap_all(&parent, 1, 5000, 0, NULL);
    parent = 0;
}

int main(int argc, char **argv)
{
    fx_setup("parent-stopped-wait");
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        fx_die("usage: parent-stopped-wait [--hold SECONDS]");
    }
    fx_cleanup_fn = cleanup;
    int rep[2];
    if (pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    parent = fx_fork();
    if (parent == 0) {
        close(rep[0]);
        pid_t c = fork();
        if (c == 0) {
            for (;;) pause(); /* ends on the fixture's SIGTERM */
        }
        int v = c < 0 ? -errno : (int)c;
        fx_write_full(rep[1], &v, sizeof v);
        int st;
        while (waitpid(c, &st, 0) < 0 && errno == EINTR) {}
        for (;;) pause(); /* reaped: sleep until the fixture ends us */
    }
    close(rep[1]);
    int z = 0;
    if (fx_read_full(rep[0], &z, sizeof z, 10000) < 0 || z <= 0) fx_die("parent did not fork its child");
    if (fx_wait_wchan(parent, parent, "do_wait", 5000) < 0) fx_die("parent %d is not in wait4()", parent);
    kill(parent, SIGSTOP);
    if (fx_wait_state(parent, parent, "T", 5000) < 0) fx_die("parent %d did not stop", parent);
    kill(z, SIGTERM);
    if (fx_wait_state(z, z, "Z", 5000) < 0) fx_die("child %d is not Z", z);
    fx_emit("\"pids\":{\"parent\":%d,\"zombie\":%d,\"fixture\":%d},\"tids\":{\"parent\":%d}", parent, z, getpid(), parent);
    fx_hold();
    /* the release limbo should propose: SIGCONT resumes the wait, which reaps the child */
    kill(parent, SIGCONT);
    long long deadline = fx_now_ms() + 10000;
    while (fx_task_state(z, z) != 0) {
        if (fx_now_ms() > deadline) fx_die("child %d not reaped after SIGCONT to its parent", z);
        fx_sleep_ms(10);
    }
    fx_cleanup_fn = NULL;
    if (fx_kill_reap_all(&parent, 1, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
