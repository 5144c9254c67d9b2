/*
 * seed-nonreaping-parent [--idle] [--hold SECONDS]
 *
 * The seed case's parent that never reaps: the fixture forks a child that exits at once, and then
 * spins in a busy loop (state R) without ever calling wait(), so the child stays a zombie for as
 * long as the parent runs (`unreaped-zombie`). SIGCHLD stays SIG_DFL: with SIG_IGN the kernel
 * would reap the child by itself. --idle holds in poll() (state S) instead of spinning, to spare
 * the CPU when the busy loop is not what is being tested.
 *
 * JSON line: {"fixture":"seed-nonreaping-parent","pids":{"parent":P,"zombie":C}}
 * Release: reap the child, exit 0.
 */
#include "fixture.h"

static pid_t child;

static void cleanup(void) { fx_kill_reap_all(&child, 1, 5000, 0, NULL); }

/* 1 when stdin reached EOF or a release signal arrived; polls without blocking. */
static int released_now(void)
{
    struct pollfd p[2] = { { fx_sigfd, POLLIN, 0 }, { 0, POLLIN, 0 } };
    if (poll(p, 2, 0) <= 0) return 0;
    if (p[0].revents) return 1;
    if (p[1].revents & POLLNVAL) return 0;
    char buf[256];
    ssize_t r = read(0, buf, sizeof buf);
    return r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN);
}

int main(int argc, char **argv)
{
    fx_setup("seed-nonreaping-parent");
    int idle = 0;
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--idle")) idle = 1;
        else fx_die("usage: seed-nonreaping-parent [--idle] [--hold SECONDS]");
    }
    signal(SIGCHLD, SIG_DFL);
    fx_cleanup_fn = cleanup;
    child = fx_fork();
    if (child == 0) {
        prctl(PR_SET_NAME, "zombie-child");
        _exit(0);
    }
    if (fx_wait_state(child, child, "Z", 10000) < 0) fx_die("child %d did not become a zombie", child);
    fx_emit("\"pids\":{\"parent\":%d,\"zombie\":%d}", getpid(), child);
    if (idle) {
        fx_hold();
    } else {
        long long deadline = fx_now_ms() + (long long)fx_hold_secs * 1000;
        while (fx_now_ms() < deadline && !released_now())
            for (volatile unsigned long k = 0; k < 1000000; k++) {} /* the busy loop: never a wait() */
    }
    fx_cleanup_fn = NULL;
    if (fx_reap(child, 5000) < 0) fx_die("child %d could not be reaped", child);
    return 0;
}
