/*
 * fuse-lock-holder [--release answer|abort] [--hold SECONDS]
 *
 * "The wait that matters": two processes write to the same FUSE file. The first (the holder)
 * takes the file's inode lock in fuse_cache_write_iter() and sends a WRITE that our server
 * withholds, so it sleeps in request_wait_answer() holding the lock. The second (the writer)
 * then blocks in D on that inode lock (down_write of i_rwsem) - it waits for the lock, not for a
 * FUSE reply of its own (it has sent none). Release: answer the WRITE (default) or abort.
 */
#include "minifuse.h"

static struct mf_ctl C;
static pid_t holder, writer;

static void cleanup(void)
{
    if (C.ctl_out >= 0) mf_release(&C, 0);
    pid_t v[2] = { holder, writer };
    if (fx_kill_reap_all(v, 2, 3000, 0, NULL) < 0) {
        mf_release(&C, 1);
        fx_kill_reap_all(v, 2, 3000, 0, NULL);
    }
    holder = writer = 0;
    mf_teardown(&C);
    fx_kill_reap_all(NULL, 0, 5000, 0, NULL);
}

/* A process that opens the file, reports, waits for "go", writes one page and then sleeps. */
static pid_t start_writer(const char *fpath, int *go_w, int *rep_r)
{
    int go[2], rep[2];
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    pid_t pid = fx_fork();
    if (pid == 0) {
        close(go[1]);
        close(rep[0]);
        char c;
        if (fx_read_full(go[0], &c, 1, 30000) < 0) _exit(0);
        int r = 0, fd = open(fpath, O_WRONLY);
        if (fd < 0) r = -errno;
        fx_write_full(rep[1], &r, sizeof r);
        if (fd < 0) _exit(1);
        static char page[4096];
        memset(page, 'w', sizeof page);
        if (pwrite(fd, page, sizeof page, 0) < 0) {}
        for (;;) pause();
    }
    close(go[0]);
    close(rep[1]);
    *go_w = go[1];
    *rep_r = rep[0];
    return pid;
}

static void go_and_check(pid_t pid, int go_w, int rep_r, const char *fpath)
{
    if (fx_write_full(go_w, "g", 1) < 0) fx_die("writer %d gone", pid);
    int r = -1;
    if (fx_read_full(rep_r, &r, sizeof r, 10000) < 0) fx_die("writer %d did not report", pid);
    if (r < 0) {
        errno = -r;
        fx_die("open %s: %m", fpath);
    }
}

int main(int argc, char **argv)
{
    fx_setup("fuse-lock-holder");
    int abort_release = 0;
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--release") && i + 1 < argc) {
            const char *r = argv[++i];
            if (!strcmp(r, "abort")) abort_release = 1;
            else if (!strcmp(r, "answer")) abort_release = 0;
            else fx_die("unknown --release '%s' (answer, abort)", r);
        } else {
            fx_die("usage: fuse-lock-holder [--release answer|abort] [--hold SECONDS]");
        }
    }
    if (access("/dev/fuse", R_OK | W_OK) != 0) fx_die("/dev/fuse: %m");
    mf_private_ns(&C);
    fx_cleanup_fn = cleanup;
    char fpath[128];
    snprintf(fpath, sizeof fpath, "%s/f", C.mnt);

    /* both writers are forked before the server: they must not hold the /dev/fuse fd */
    int hgo, hrep, wgo, wrep;
    holder = start_writer(fpath, &hgo, &hrep);
    writer = start_writer(fpath, &wgo, &wrep);

    struct minifuse m;
    memset(&m, 0, sizeof m);
    m.withhold = FUSE_WRITE;
    mf_start_server(&C, &m);

    go_and_check(holder, hgo, hrep, fpath);
    struct mf_note n;
    if (mf_wait_note(&C, 'W', &n, 10000) < 0) fx_die("server never received the holder's WRITE");
    if (fx_wait_wchan(holder, holder, "request_wait_answer", 5000) < 0) fx_die("holder %d not in request_wait_answer", holder);

    go_and_check(writer, wgo, wrep, fpath);
    if (fx_wait_state(writer, writer, "D", 5000) < 0) fx_die("writer %d did not block on the inode lock", writer);
    char hst = fx_task_state(holder, holder);

    fx_emit("\"pids\":{\"holder\":%d,\"writer\":%d,\"server\":%d,\"fixture\":%d},"
            "\"tids\":{\"holder\":%d,\"writer\":%d},\"conn\":%u,\"mountpoint\":\"%s\",\"file\":\"%s\","
            "\"ino\":%d,\"holderState\":\"%c\",\"requestPid\":%u,\"release\":\"%s\"",
            holder, writer, C.server, getpid(), holder, writer, C.conn, C.mnt, fpath, MF_FILE_INO, hst,
            n.pid, abort_release ? "abort" : "answer");

    const char *why = fx_hold();
    fx_log("releasing (%s)", why);
    if (mf_release(&C, abort_release) < 0) fx_die("release failed: %m");
    /* the holder's write returns and unlocks; the writer's own WRITE is then answered (or fails) */
    if (fx_wait_state(writer, writer, "S", 10000) < 0) fx_die("writer %d did not leave D after release", writer);
    pid_t v[2] = { holder, writer };
    if (fx_kill_reap_all(v, 2, 10000, 0, NULL) < 0) fx_die("children left behind");
    holder = writer = 0;
    fx_cleanup_fn = NULL;
    mf_teardown(&C);
    if (fx_kill_reap_all(NULL, 0, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
