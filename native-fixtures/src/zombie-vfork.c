/*
 * zombie-vfork [--hold SECONDS]
 *
 * A zombie thread-group leader beside a live thread that waits for its vfork child: the main
 * thread starts a thread and calls pthread_exit(); the thread calls vfork() and its child sleeps
 * instead of calling exec or _exit. The leader is Z (delay_group_leader(): its group is not
 * empty), the thread is D in the vfork wait (wait_for_vfork_done(), TASK_KILLABLE; on 6.18 the
 * stack shows kernel_clone <- __do_sys_vfork). Nothing is stuck: a kill of the process or of the
 * vfork child ends it. limbo should say zombie-leader-live-threads and killable-wait (INFO).
 * Release: the fixture kills the vfork child; the thread returns from vfork, reaps the child and
 * exits the process, which the fixture reaps.
 */
#include "fixture.h"
#include <pthread.h>

static pid_t victim;
static int rep_w = -1;

static void cleanup(void) { fx_kill_reap_all(&victim, 1, 5000, 0, NULL); }

static void *vfork_thread(void *unused)
{
    (void)unused;
    volatile int w = rep_w;
    int tid = (int)fx_gettid();
    if (write(w, &tid, sizeof tid) != (ssize_t)sizeof tid) _exit(1);
    pid_t c = vfork();
    if (c == 0) {
        /* the vfork child: only async-signal-safe syscalls, and never return */
        int me = (int)syscall(SYS_getpid);
        if (write(w, &me, sizeof me) != (ssize_t)sizeof me) _exit(1);
        for (;;) pause();
    }
    if (c > 0) waitpid(c, NULL, 0);
    exit(0);
}

int main(int argc, char **argv)
{
    fx_setup("zombie-vfork");
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        fx_die("usage: zombie-vfork [--hold SECONDS]");
    }
    fx_cleanup_fn = cleanup;
    int rep[2];
    if (pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    victim = fx_fork();
    if (victim == 0) {
        close(rep[0]);
        rep_w = rep[1];
        pthread_t t;
        if (pthread_create(&t, NULL, vfork_thread, NULL)) _exit(1);
        pthread_exit(NULL);
    }
    close(rep[1]);
    int tid = 0, child = 0;
    if (fx_read_full(rep[0], &tid, sizeof tid, 10000) < 0) fx_die("victim thread did not report");
    if (fx_read_full(rep[0], &child, sizeof child, 10000) < 0) fx_die("vfork child did not report");
    if (fx_wait_state(victim, victim, "Z", 5000) < 0) fx_die("leader %d is not Z", victim);
    if (fx_wait_state(victim, tid, "D", 5000) < 0) fx_die("thread %d is not D", tid);
    if (fx_wait_state(child, child, "S", 5000) < 0) fx_die("vfork child %d is not sleeping", child);
    fx_emit("\"pids\":{\"victim\":%d,\"child\":%d,\"fixture\":%d},\"tids\":{\"leader\":%d,\"waiting\":%d}",
            victim, child, getpid(), victim, tid);
    fx_hold();
    /* end the vfork child: the thread returns from vfork, reaps it and exits the process */
    kill(child, SIGKILL);
    if (fx_reap(victim, 5000) < 0) fx_die("victim %d did not finish after its vfork child died", victim);
    victim = 0;
    fx_cleanup_fn = NULL;
    if (fx_kill_reap_all(NULL, 0, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
