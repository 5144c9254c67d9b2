/*
 * fuse-stuck --mode read|flush|writeback [--release answer|abort] [--hold SECONDS]
 *
 * The founding case without a kernel module: a zombie thread-group leader whose sibling thread is
 * stuck in D on a FUSE request that our own server (minifuse.h) withholds.
 *
 *   read       the thread blocks in read() (FOPEN_DIRECT_IO); SIGKILL arrives after the server
 *              has read the READ, so request_wait_answer() waits in its unkillable phase.
 *   flush      the thread holds the file only in its own fd table (unshare(CLONE_FILES)); after
 *              SIGKILL it blocks inside its own do_exit(): fuse_flush <- filp_close <- do_exit.
 *   writeback  writeback cache, a dirty shared mapping, the leader has called pthread_exit(); after
 *              SIGKILL the thread's final mmput defers the file's release to task work:
 *              folio_wait_bit <- ... <- fuse_release <- __fput <- task_work_run <- do_exit.
 *
 * The mount lives in a private mount namespace. Release: answer the withheld request (default)
 * or write 1 to the fusectl connections/<id>/abort file; the victim is then reaped.
 */
#include "minifuse.h"
#include <pthread.h>
#include <sys/mman.h>
#include <sys/socket.h>

enum { M_READ, M_FLUSH, M_WRITEBACK };
static int mode = M_READ;
static char fpath[128];
static int rep_w = -1;
static struct mf_ctl C;
static pid_t victim, writer;

static void report(int v) { fx_write_full(rep_w, &v, sizeof v); }

static void *victim_thread(void *unused)
{
    (void)unused;
    int tid = (int)fx_gettid();
    char buf[4096];
    int fd;
    switch (mode) {
    case M_READ:
        fd = open(fpath, O_RDONLY);
        if (fd < 0) { report(-errno); break; }
        report(tid);
        if (read(fd, buf, sizeof buf) < 0) {}
        break;
    case M_FLUSH:
        if (unshare(CLONE_FILES) < 0) { report(-errno); break; }
        fd = open(fpath, O_RDONLY); /* only in this thread's own fd table */
        if (fd < 0) { report(-errno); break; }
        report(tid);
        break;
    case M_WRITEBACK: {
        /* The file ends up referenced only by an SCM_RIGHTS message in flight on a socket pair
         * that only this thread's own fd table holds: at exit, closing the sockets drops the
         * last reference from task work, so fuse_release() runs in __fput() <- task_work_run(). */
        int sv[2];
        if (unshare(CLONE_FILES) < 0 || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0) {
            report(-errno);
            break;
        }
        fd = open(fpath, O_RDWR);
        if (fd < 0) { report(-errno); break; }
        char cbuf[CMSG_SPACE(sizeof(int))];
        memset(cbuf, 0, sizeof cbuf);
        struct iovec iov = { "f", 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &fd, sizeof(int));
        if (sendmsg(sv[0], &msg, 0) < 0) { report(-errno); break; }
        close(fd); /* flushes now, while nothing is dirty yet */
        report(tid);
        break;
    }
    }
    for (;;) pause();
    return NULL;
}

static __attribute__((noreturn)) void victim_main(int go_r)
{
    char c;
    if (fx_read_full(go_r, &c, 1, 30000) < 0) _exit(0);
    pthread_t t;
    if (pthread_create(&t, NULL, victim_thread, NULL)) { report(-EAGAIN); _exit(1); }
    for (;;) pause();
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
    if (writer > 0) {
        kill(writer, SIGKILL);
        fx_reap(writer, 3000);
        writer = 0;
    }
    mf_teardown(&C);
    fx_kill_reap_all(NULL, 0, 5000, 0, NULL);
}

int main(int argc, char **argv)
{
    fx_setup("fuse-stuck");
    int abort_release = 0;
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
            const char *m = argv[++i];
            if (!strcmp(m, "read")) mode = M_READ;
            else if (!strcmp(m, "flush")) mode = M_FLUSH;
            else if (!strcmp(m, "writeback")) mode = M_WRITEBACK;
            else fx_die("unknown --mode '%s' (read, flush, writeback)", m);
        } else if (!strcmp(argv[i], "--release") && i + 1 < argc) {
            const char *r = argv[++i];
            if (!strcmp(r, "abort")) abort_release = 1;
            else if (!strcmp(r, "answer")) abort_release = 0;
            else fx_die("unknown --release '%s' (answer, abort)", r);
        } else {
        fx_die("usage: fuse-stuck --mode read|flush|writeback [--release answer|abort] [--hold SECONDS]");
        }
    }
    static const char *names[] = { "fuse-read", "fuse-flush", "fuse-writeback" };
    static const char *modes[] = { "read", "flush", "writeback" };
    fx_name = names[mode];
    if (access("/dev/fuse", R_OK | W_OK) != 0) fx_die("/dev/fuse: %m");

    mf_private_ns(&C); /* before any thread exists */
    fx_cleanup_fn = cleanup;
    snprintf(fpath, sizeof fpath, "%s/f", C.mnt);

    int go[2], rep[2];
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    victim = fx_fork(); /* before /dev/fuse is opened: the victim must not hold it */
    if (victim == 0) {
        close(go[1]);
        close(rep[0]);
        rep_w = rep[1];
        victim_main(go[0]);
    }
    close(go[0]);
    close(rep[1]);

    struct minifuse m;
    memset(&m, 0, sizeof m);
    m.direct_io = mode == M_READ;
    m.writeback = mode == M_WRITEBACK;
    m.withhold = mode == M_READ ? FUSE_READ : mode == M_FLUSH ? FUSE_FLUSH : FUSE_WRITE;
    mf_start_server(&C, &m);

    if (fx_write_full(go[1], "g", 1) < 0) fx_die("victim gone");
    int tid = 0;
    if (fx_read_full(rep[0], &tid, sizeof tid, 10000) < 0) fx_die("victim thread did not report");
    if (tid < 0) {
        errno = -tid;
        fx_die("victim thread on %s: %m", fpath);
    }

    struct mf_note n;
    if (mode == M_READ) {
        if (mf_wait_note(&C, 'W', &n, 10000) < 0) fx_die("server never received the READ");
        /* the server has read the request: SIGKILL now puts the thread in the unkillable wait */
        kill(victim, SIGKILL);
    } else if (mode == M_FLUSH) {
        if (fx_wait_state(victim, tid, "S", 5000) < 0) fx_die("victim thread not asleep");
        kill(victim, SIGKILL);
        if (mf_wait_note(&C, 'W', &n, 10000) < 0) fx_die("server never received the FLUSH");
    } else {
        /* a separate process dirties the page cache of the file (writeback cache) and keeps its
         * own fd open; the victim's thread then has to write it back when it releases its file */
        int wp[2];
        if (pipe2(wp, O_CLOEXEC) < 0) fx_die("pipe: %m");
        writer = fx_fork();
        if (writer == 0) {
            close(wp[0]);
            int r = 0, fd = open(fpath, O_RDWR);
            static char page[4096];
            memset(page, 'x', sizeof page);
            if (fd < 0 || pwrite(fd, page, sizeof page, 0) != (ssize_t)sizeof page) r = -errno;
            fx_write_full(wp[1], &r, sizeof r);
            for (;;) pause();
        }
        close(wp[1]);
        int r = -1;
        if (fx_read_full(wp[0], &r, sizeof r, 10000) < 0 || r < 0) {
            errno = -r;
            fx_die("writer could not dirty %s: %m", fpath);
        }
        close(wp[0]);
        if (fx_wait_state(victim, tid, "S", 5000) < 0) fx_die("victim thread not asleep");
        kill(victim, SIGKILL);
        if (mf_wait_note(&C, 'W', &n, 10000) < 0) fx_die("server never received the WRITE");
    }
    if (fx_wait_state(victim, victim, "Z", 5000) < 0) fx_die("leader %d is not Z", victim);
    if (fx_wait_state(victim, tid, "D", 5000) < 0) fx_die("thread %d is not D", tid);
    if (waitpid(victim, NULL, WNOHANG) != 0) fx_die("victim was reaped: the situation did not hold");

    char wbuf[32] = "";
    if (writer > 0) snprintf(wbuf, sizeof wbuf, ",\"writer\":%d", writer);
    fx_emit("\"mode\":\"%s\",\"pids\":{\"victim\":%d,\"server\":%d,\"fixture\":%d%s},"
            "\"tids\":{\"leader\":%d,\"stuck\":%d},\"conn\":%u,\"mountpoint\":\"%s\",\"release\":\"%s\"",
            modes[mode], victim, C.server, getpid(), wbuf, victim, tid, C.conn, C.mnt,
            abort_release ? "abort" : "answer");

    const char *why = fx_hold();
    fx_log("releasing (%s)", why);
    if (mf_release(&C, abort_release) < 0) fx_die("release (%s) failed: %m", abort_release ? "abort" : "answer");
    int st = fx_reap(victim, 10000);
    if (st < 0) fx_die("victim %d not reaped after release", victim);
    victim = 0;
    if (writer > 0) { /* its exit flushes its fd: the connection is answered or aborted by now */
        kill(writer, SIGKILL);
        if (fx_reap(writer, 10000) < 0) fx_die("writer %d not reaped after release", writer);
        writer = 0;
    }
    fx_cleanup_fn = NULL;
    mf_teardown(&C);
    if (fx_kill_reap_all(NULL, 0, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
