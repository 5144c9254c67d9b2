/*
 * exec-stuck-sibling [--release answer|abort] [--hold SECONDS]
 *
 * execve() in one thread while a sibling is stuck. A thread of the victim reads our FUSE file
 * (FOPEN_DIRECT_IO); the server reads the READ and withholds the reply. Then the main thread
 * calls execve(): de_thread() sends SIGKILL to every other thread (zap_other_threads()), which
 * moves the reader into request_wait_answer()'s unkillable wait (the request was already read),
 * and the main thread waits in de_thread() for it to exit. That wait is TASK_KILLABLE (every
 * version; on 6.18 wchan/stack show begin_new_exec): a SIGKILL to the process ends the exec.
 * The reader is a hung task (D, SIGKILL pending in its own SigPnd, no progress).
 * Release: answer the READ (default) or abort the connection; the reader exits, the exec
 * completes (the new image only sleeps), and the fixture kills and reaps it.
 */
#include "minifuse.h"
#include <pthread.h>

static struct mf_ctl C;
static pid_t victim;
static char fpath[128];
static int rep_w = -1;

static void report(int v) { fx_write_full(rep_w, &v, sizeof v); }

static void *reader(void *unused)
{
    (void)unused;
    char buf[4096];
    int fd = open(fpath, O_RDONLY);
    if (fd < 0) {
        report(-errno);
        return NULL;
    }
    report((int)fx_gettid());
    if (read(fd, buf, sizeof buf) < 0) {}
    for (;;) pause();
    return NULL;
}

static void cleanup(void)
{
    if (C.ctl_out >= 0) mf_release(&C, 0);
    if (victim > 0) {
        kill(victim, SIGKILL);
        if (fx_reap(victim, 3000) < 0) {
            mf_release(&C, 1);
            fx_reap(victim, 3000);
        }
        victim = 0;
    }
    mf_teardown(&C);
    fx_kill_reap_all(NULL, 0, 5000, 0, NULL);
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--execed")) {
        /* the new image after the exec: sleep until killed */
        for (;;) pause();
    }
    fx_setup("exec-stuck-sibling");
    int abort_release = 0;
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--release") && i + 1 < argc) {
            const char *r = argv[++i];
            if (!strcmp(r, "abort")) abort_release = 1;
            else if (!strcmp(r, "answer")) abort_release = 0;
            else fx_die("unknown --release '%s' (answer, abort)", r);
        } else {
            fx_die("usage: exec-stuck-sibling [--release answer|abort] [--hold SECONDS]");
        }
    }
    if (access("/dev/fuse", R_OK | W_OK) != 0) fx_die("/dev/fuse: %m");
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) fx_die("readlink /proc/self/exe: %m");
    self[sl] = 0;
    mf_private_ns(&C); /* before any thread exists */
    fx_cleanup_fn = cleanup;
    snprintf(fpath, sizeof fpath, "%s/f", C.mnt);

    int go[2], rep[2], ex[2];
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0) fx_die("pipe: %m");
    victim = fx_fork(); /* before /dev/fuse is opened: the victim must not hold it */
    if (victim == 0) {
        close(go[1]);
        close(rep[0]);
        close(ex[1]);
        rep_w = rep[1];
        char c;
        if (fx_read_full(go[0], &c, 1, 30000) < 0) _exit(0);
        pthread_t t;
        if (pthread_create(&t, NULL, reader, NULL)) _exit(1);
        /* exec once the fixture says the server holds the READ */
        if (fx_read_full(ex[0], &c, 1, 30000) < 0) _exit(0);
        char *args[] = { self, "--execed", NULL };
        execv(self, args);
        _exit(127);
    }
    close(go[0]);
    close(rep[1]);
    close(ex[0]);

    struct minifuse m;
    memset(&m, 0, sizeof m);
    m.direct_io = 1;
    m.withhold = FUSE_READ;
    mf_start_server(&C, &m);

    if (fx_write_full(go[1], "g", 1) < 0) fx_die("victim gone");
    int tid = 0;
    if (fx_read_full(rep[0], &tid, sizeof tid, 10000) < 0) fx_die("victim thread did not report");
    if (tid < 0) {
        errno = -tid;
        fx_die("victim thread on %s: %m", fpath);
    }
    if (mf_wait_note(&C, 'W', NULL, 10000) < 0) fx_die("server never received the READ");
    if (fx_write_full(ex[1], "x", 1) < 0) fx_die("victim gone");
    if (fx_wait_state(victim, tid, "D", 20000) < 0) fx_die("reader %d is not D", tid);
    if (fx_wait_state(victim, victim, "D", 20000) < 0) fx_die("exec'ing thread %d is not D", victim);

    fx_emit("\"pids\":{\"victim\":%d,\"server\":%d,\"fixture\":%d},\"tids\":{\"exec\":%d,\"stuck\":%d},"
            "\"conn\":%u,\"mountpoint\":\"%s\",\"release\":\"%s\"",
            victim, C.server, getpid(), victim, tid, C.conn, C.mnt, abort_release ? "abort" : "answer");

    const char *why = fx_hold();
    fx_log("releasing (%s)", why);
    if (mf_release(&C, abort_release) < 0) fx_die("release failed: %m");
    /* the reader exits; the exec completes and the new image sleeps */
    if (fx_wait_state(victim, victim, "S", 10000) < 0) fx_die("victim %d did not finish its exec", victim);
    kill(victim, SIGKILL);
    if (fx_reap(victim, 10000) < 0) fx_die("victim %d not reaped", victim);
    victim = 0;
    fx_cleanup_fn = NULL;
    mf_teardown(&C);
    if (fx_kill_reap_all(NULL, 0, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
