/*
 * parent-d-sigchld [--release answer|abort] [--hold SECONDS]
 *
 * A parent with a SIGCHLD handler that would reap (waitpid(-1, WNOHANG) in a loop) is itself
 * stuck in D: it reads a FUSE file (FOPEN_DIRECT_IO) whose READ our server withholds. Its child
 * then exits. SIGCHLD interrupts the request's interruptible phase (FUSE_INTERRUPT, never
 * answered) and the parent waits on in the killable phase (D); the handler can only run on the
 * return to user space, so SIGCHLD stays pending in ShdPnd and the child stays a zombie.
 * Release: answer the READ (default) or abort the connection; the handler then reaps the child.
 */
#include "minifuse.h"

static struct mf_ctl C;
static pid_t parent;

static void cleanup(void)
{
    if (C.ctl_out >= 0) mf_release(&C, 0);
    if (fx_kill_reap_all(&parent, 1, 3000, 0, NULL) < 0) {
        mf_release(&C, 1);
        fx_kill_reap_all(&parent, 1, 3000, 0, NULL);
    }
    parent = 0;
    mf_teardown(&C);
    fx_kill_reap_all(NULL, 0, 5000, 0, NULL);
}

static volatile sig_atomic_t reaped;

static void on_sigchld(int sig)
{
    (void)sig;
    int e = errno;
    while (waitpid(-1, NULL, WNOHANG) > 0) reaped++;
    errno = e;
}

int main(int argc, char **argv)
{
    fx_setup("parent-d-sigchld");
    int abort_release = 0;
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--release") && i + 1 < argc) {
            const char *r = argv[++i];
            if (!strcmp(r, "abort")) abort_release = 1;
            else if (!strcmp(r, "answer")) abort_release = 0;
            else fx_die("unknown --release '%s' (answer, abort)", r);
        } else {
            fx_die("usage: parent-d-sigchld [--release answer|abort] [--hold SECONDS]");
        }
    }
    if (access("/dev/fuse", R_OK | W_OK) != 0) fx_die("/dev/fuse: %m");
    mf_private_ns(&C);
    fx_cleanup_fn = cleanup;
    char fpath[128];
    snprintf(fpath, sizeof fpath, "%s/f", C.mnt);

    int go[2], rep[2];
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    parent = fx_fork();
    if (parent == 0) {
        close(go[1]);
        close(rep[0]);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigchld;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGCHLD, &sa, NULL);
        int cgo[2];
        if (pipe2(cgo, O_CLOEXEC) < 0) _exit(1);
        pid_t child = fork();
        if (child == 0) {
            /* exits when the parent closes its end (after the parent blocked in read) */
            close(cgo[1]);
            char c;
            while (read(cgo[0], &c, 1) < 0 && errno == EINTR) {}
            _exit(3);
        }
        close(cgo[0]);
        char c;
        if (fx_read_full(go[0], &c, 1, 30000) < 0) _exit(0);
        int fd = open(fpath, O_RDONLY);
        int r = fd < 0 ? -errno : (int)child;
        fx_write_full(rep[1], &r, sizeof r);
        if (fd < 0) _exit(1);
        /* the child's exit is triggered by the fixture (kill), not by us: keep cgo[1] open */
        char buf[4096];
        for (;;) {
            if (read(fd, buf, sizeof buf) >= 0) break;
        }
        for (;;) pause();
    }
    close(go[0]);
    close(rep[1]);

    struct minifuse m;
    memset(&m, 0, sizeof m);
    m.direct_io = 1;
    m.withhold = FUSE_READ;
    mf_start_server(&C, &m);
    if (fx_write_full(go[1], "g", 1) < 0) fx_die("parent gone");
    int child = -1;
    if (fx_read_full(rep[0], &child, sizeof child, 10000) < 0) fx_die("parent did not report");
    if (child < 0) {
        errno = -child;
        fx_die("parent could not open %s: %m", fpath);
    }
    if (mf_wait_note(&C, 'W', NULL, 10000) < 0) fx_die("server never received the READ");
    if (fx_wait_wchan(parent, parent, "request_wait_answer", 5000) < 0) fx_die("parent %d not in request_wait_answer", parent);
    /* the child exits now: SIGCHLD reaches a parent that is inside the FUSE request */
    kill(child, SIGTERM);
    if (fx_wait_state(child, child, "Z", 5000) < 0) fx_die("child %d is not Z", child);
    if (fx_wait_state(parent, parent, "D", 5000) < 0) fx_die("parent %d did not go to D", parent);

    fx_emit("\"pids\":{\"parent\":%d,\"zombie\":%d,\"server\":%d,\"fixture\":%d},"
            "\"tids\":{\"parent\":%d},\"conn\":%u,\"mountpoint\":\"%s\",\"release\":\"%s\"",
            parent, child, C.server, getpid(), parent, C.conn, C.mnt, abort_release ? "abort" : "answer");

    const char *why = fx_hold();
    fx_log("releasing (%s)", why);
    if (mf_release(&C, abort_release) < 0) fx_die("release failed: %m");
    /* the read returns, the handler runs and reaps the child */
    long long deadline = fx_now_ms() + 10000;
    while (fx_task_state(child, child) != 0) {
        if (fx_now_ms() > deadline) fx_die("child %d not reaped by its parent's handler after release", child);
        fx_sleep_ms(10);
    }
    if (fx_kill_reap_all(&parent, 1, 10000, 0, NULL) < 0) fx_die("children left behind");
    parent = 0;
    fx_cleanup_fn = NULL;
    mf_teardown(&C);
    if (fx_kill_reap_all(NULL, 0, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
