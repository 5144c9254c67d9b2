/*
 * hung-d [--release answer|abort] [--hold SECONDS]
 *
 * A live, single-threaded process (no signal, not exiting) stuck in uninterruptible D: under a
 * FUSE writeback cache it dirties a page and calls fsync(); our server withholds the WRITE, so
 * the task waits for page writeback (folio_wait_bit <- ... <- fuse_fsync), which no signal ends.
 * Its context-switch counts do not move: what khungtaskd calls a hung task.
 * Release: answer the WRITE (default) or abort the connection through fusectl.
 */
#include "minifuse.h"

static struct mf_ctl C;
static pid_t victim;

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
    fx_setup("hung-d");
    int abort_release = 0;
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--release") && i + 1 < argc) {
            const char *r = argv[++i];
            if (!strcmp(r, "abort")) abort_release = 1;
            else if (!strcmp(r, "answer")) abort_release = 0;
            else fx_die("unknown --release '%s' (answer, abort)", r);
        } else {
            fx_die("usage: hung-d [--release answer|abort] [--hold SECONDS]");
        }
    }
    if (access("/dev/fuse", R_OK | W_OK) != 0) fx_die("/dev/fuse: %m");
    mf_private_ns(&C);
    fx_cleanup_fn = cleanup;
    char fpath[128];
    snprintf(fpath, sizeof fpath, "%s/f", C.mnt);

    int go[2], rep[2];
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    victim = fx_fork();
    if (victim == 0) {
        close(go[1]);
        close(rep[0]);
        char c;
        if (fx_read_full(go[0], &c, 1, 30000) < 0) _exit(0);
        int r = 0, fd = open(fpath, O_RDWR);
        static char page[4096];
        memset(page, 'h', sizeof page);
        if (fd < 0 || pwrite(fd, page, sizeof page, 0) != (ssize_t)sizeof page) r = -errno;
        fx_write_full(rep[1], &r, sizeof r);
        if (r == 0 && fsync(fd) < 0) {}
        for (;;) pause();
    }
    close(go[0]);
    close(rep[1]);

    struct minifuse m;
    memset(&m, 0, sizeof m);
    m.writeback = 1;
    m.withhold = FUSE_WRITE;
    mf_start_server(&C, &m);
    if (fx_write_full(go[1], "g", 1) < 0) fx_die("victim gone");
    int r = -1;
    if (fx_read_full(rep[0], &r, sizeof r, 10000) < 0) fx_die("victim did not report");
    if (r < 0) {
        errno = -r;
        fx_die("victim could not write %s: %m", fpath);
    }
    if (mf_wait_note(&C, 'W', NULL, 10000) < 0) fx_die("server never received the WRITE");
    if (fx_wait_state(victim, victim, "D", 5000) < 0) fx_die("victim %d is not D", victim);

    fx_emit("\"mode\":\"fsync\",\"pids\":{\"victim\":%d,\"server\":%d,\"fixture\":%d},"
            "\"tids\":{\"stuck\":%d},\"conn\":%u,\"mountpoint\":\"%s\",\"release\":\"%s\"",
            victim, C.server, getpid(), victim, C.conn, C.mnt, abort_release ? "abort" : "answer");

    const char *why = fx_hold();
    fx_log("releasing (%s)", why);
    if (mf_release(&C, abort_release) < 0) fx_die("release failed: %m");
    /* the fsync returns; the process then sleeps normally until we end it */
    if (fx_wait_state(victim, victim, "S", 10000) < 0) fx_die("victim %d did not leave D after release", victim);
    kill(victim, SIGKILL);
    if (fx_reap(victim, 10000) < 0) fx_die("victim %d not reaped", victim);
    victim = 0;
    fx_cleanup_fn = NULL;
    mf_teardown(&C);
    if (fx_kill_reap_all(NULL, 0, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
