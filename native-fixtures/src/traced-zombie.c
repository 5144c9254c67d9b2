/*
 * traced-zombie [--hold SECONDS]
 *
 * A process whose non-leader thread is ptrace-seized by a separate tracer process; the process
 * then exits (exit_group). The traced thread is not autoreaped: it stays Z until its tracer waits
 * for it, and meanwhile the zombie leader's parent cannot reap the leader either (KERNEL.md §9).
 * Release: the tracer waits for the thread (waitpid __WALL); the parent then reaps the leader.
 */
#include "fixture.h"
#include <pthread.h>
#include <sys/ptrace.h>

static int rep_w = -1;
static pid_t proc, tracer;

static void *sleeper(void *unused)
{
    (void)unused;
    int tid = (int)fx_gettid();
    fx_write_full(rep_w, &tid, sizeof tid);
    for (;;) pause();
    return NULL;
}

static void cleanup(void)
{
    pid_t v[2] = { tracer, proc };
    fx_kill_reap_all(v, 2, 5000, 0, NULL);
}

int main(int argc, char **argv)
{
    fx_setup("traced-zombie");
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        fx_die("usage: traced-zombie [--hold SECONDS]");
    }
    fx_cleanup_fn = cleanup;
    int rep[2], go[2];
    if (pipe2(rep, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) fx_die("pipe: %m");
    proc = fx_fork();
    if (proc == 0) {
        close(rep[0]);
        close(go[1]);
        rep_w = rep[1];
        pthread_t t;
        if (pthread_create(&t, NULL, sleeper, NULL)) _exit(1);
        char c;
        if (fx_read_full(go[0], &c, 1, 60000) < 0) _exit(1);
        exit(0); /* exit_group: the traced thread dies too */
    }
    close(rep[1]);
    close(go[0]);
    int tid = 0;
    if (fx_read_full(rep[0], &tid, sizeof tid, 10000) < 0) fx_die("thread did not report");
    if (fx_wait_state(proc, tid, "S", 5000) < 0) fx_die("thread %d not sleeping", tid);

    int trep[2], tctl[2];
    if (pipe2(trep, O_CLOEXEC) < 0 || pipe2(tctl, O_CLOEXEC) < 0) fx_die("pipe: %m");
    tracer = fx_fork();
    if (tracer == 0) {
        close(trep[0]);
        close(tctl[1]);
        int r = ptrace(PTRACE_SEIZE, tid, 0, 0) < 0 ? -errno : 0;
        fx_write_full(trep[1], &r, sizeof r);
        if (r < 0) _exit(1);
        char c;
        /* hold the zombie until told (or the fixture goes away: EOF) */
        while (read(tctl[0], &c, 1) < 0 && errno == EINTR) {}
        int st;
        _exit(waitpid(tid, &st, __WALL) == tid ? 0 : 2);
    }
    close(trep[1]);
    close(tctl[0]);
    int r = -1;
    if (fx_read_full(trep[0], &r, sizeof r, 10000) < 0 || r < 0) {
        errno = r < 0 ? -r : EIO;
        fx_die("PTRACE_SEIZE %d: %m", tid);
    }
    if (fx_write_full(go[1], "x", 1) < 0) fx_die("process gone");
    if (fx_wait_state(proc, tid, "Z", 5000) < 0) fx_die("traced thread %d is not Z", tid);
    if (fx_wait_state(proc, proc, "Z", 5000) < 0) fx_die("leader %d is not Z", proc);
    fx_sleep_ms(50);
    if (waitpid(proc, NULL, WNOHANG) != 0) fx_die("leader was reapable: the situation did not hold");
    fx_emit("\"pids\":{\"process\":%d,\"tracer\":%d,\"fixture\":%d},\"tids\":{\"leader\":%d,\"zombie\":%d}",
            proc, tracer, getpid(), proc, tid);
    fx_hold();
    if (fx_write_full(tctl[1], "r", 1) < 0) fx_die("tracer gone");
    int ts = fx_reap(tracer, 5000);
    if (ts < 0 || !WIFEXITED(ts) || WEXITSTATUS(ts) != 0) fx_die("tracer did not reap the traced thread");
    tracer = 0;
    if (fx_reap(proc, 5000) < 0) fx_die("leader %d not reapable after the tracer reaped its thread", proc);
    proc = 0;
    fx_cleanup_fn = NULL;
    if (fx_kill_reap_all(NULL, 0, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
