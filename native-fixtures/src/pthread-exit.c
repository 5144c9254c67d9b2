/*
 * pthread-exit [--threads N] [--hold SECONDS]
 *
 * Benign: the main thread of a process called pthread_exit() while N (default 2) sibling threads
 * keep running (sleeping). The leader shows Z, the process is alive and will exit normally.
 */
#include "fixture.h"
#include <pthread.h>

static int rep_w = -1;
static pid_t proc;

static void *sleeper(void *unused)
{
    (void)unused;
    int tid = (int)fx_gettid();
    fx_write_full(rep_w, &tid, sizeof tid);
    for (;;) pause();
    return NULL;
}

static void cleanup(void) { fx_kill_reap_all(&proc, 1, 5000, 0, NULL); }

int main(int argc, char **argv)
{
    fx_setup("pthread-exit");
    int n = 2;
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) n = atoi(argv[++i]);
        else fx_die("usage: pthread-exit [--threads N] [--hold SECONDS]");
    }
    if (n < 1 || n > 64) fx_die("--threads must be 1..64");
    fx_cleanup_fn = cleanup;
    int rep[2];
    if (pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    proc = fx_fork();
    if (proc == 0) {
        close(rep[0]);
        rep_w = rep[1];
        for (int i = 0; i < n; i++) {
            pthread_t t;
            if (pthread_create(&t, NULL, sleeper, NULL)) _exit(1);
        }
        pthread_exit(NULL);
    }
    close(rep[1]);
    int tids[64];
    char list[64 * 12] = "";
    for (int i = 0; i < n; i++) {
        if (fx_read_full(rep[0], &tids[i], sizeof tids[i], 10000) < 0) fx_die("thread %d did not report", i);
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", i ? "," : "", tids[i]);
    }
    if (fx_wait_state(proc, proc, "Z", 5000) < 0) fx_die("leader %d is not Z", proc);
    for (int i = 0; i < n; i++)
        if (fx_wait_state(proc, tids[i], "S", 5000) < 0) fx_die("thread %d is not sleeping", tids[i]);
    fx_emit("\"pids\":{\"process\":%d,\"fixture\":%d},\"tids\":{\"leader\":%d,\"threads\":[%s]}",
            proc, getpid(), proc, list);
    fx_hold();
    fx_cleanup_fn = NULL;
    if (fx_kill_reap_all(&proc, 1, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
