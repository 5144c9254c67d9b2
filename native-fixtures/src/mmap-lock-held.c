/*
 * mmap-lock-held [--release answer|abort] [--leader-exits] [--hold SECONDS]
 *
 * "Reads that hang": a thread of the victim reads /proc/self/mem over a mapping of a FUSE file;
 * the page fault (taken with the mmap lock held for reading, no retry for remote GUP) waits for a
 * READ our server withholds. A writer process then queues for the lock (`echo 5 >
 * /proc/<victim>/clear_refs`), so every new reader of the victim's cmdline/environ/maps blocks,
 * and so does `ps -eLo ...`. Release: answer the READ (default) or abort the connection.
 *
 * --leader-exits: the victim's main thread exits alone (SYS_exit) once the fault is pending, so the
 * leader is a zombie: its own /proc/PID/cmdline answers at once (no mm), while every live
 * thread's task/TID/cmdline - what ps -eL reads - blocks. The writer then queues through
 * task/TID/clear_refs.
 */
#include "minifuse.h"
#include <pthread.h>
#include <sys/mman.h>

static struct mf_ctl C;
static pid_t victim, writer;
static char fpath[128];
static int rep_w = -1;
static char *map;
static int leader_exits;

static void report(int v) { fx_write_full(rep_w, &v, sizeof v); }

static void *fault_thread(void *unused)
{
    (void)unused;
    int fd = open("/proc/self/mem", O_RDONLY);
    if (fd < 0) { report(-errno); return NULL; }
    report((int)fx_gettid());
    char buf[4096];
    if (pread(fd, buf, sizeof buf, (off_t)(uintptr_t)map) < 0) {}
    for (;;) pause();
    return NULL;
}

static void cleanup(void)
{
    if (C.ctl_out >= 0) mf_release(&C, 0);
    if (writer > 0) fx_reap(writer, 3000);
    pid_t v[2] = { victim, writer };
    fx_kill_reap_all(v, 2, 3000, 0, NULL);
    victim = writer = 0;
    mf_teardown(&C);
    fx_kill_reap_all(NULL, 0, 5000, 0, NULL);
}

int main(int argc, char **argv)
{
    fx_setup("mmap-lock-held");
    int abort_release = 0;
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--release") && i + 1 < argc) {
            const char *r = argv[++i];
            if (!strcmp(r, "abort")) abort_release = 1;
            else if (!strcmp(r, "answer")) abort_release = 0;
            else fx_die("unknown --release '%s' (answer, abort)", r);
        } else if (!strcmp(argv[i], "--leader-exits")) {
            leader_exits = 1;
        } else {
            fx_die("usage: mmap-lock-held [--release answer|abort] [--leader-exits] [--hold SECONDS]");
        }
    }
    if (access("/dev/fuse", R_OK | W_OK) != 0) fx_die("/dev/fuse: %m");
    mf_private_ns(&C);
    fx_cleanup_fn = cleanup;
    snprintf(fpath, sizeof fpath, "%s/f", C.mnt);

    int go[2], rep[2];
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    victim = fx_fork();
    if (victim == 0) {
        close(go[1]);
        close(rep[0]);
        rep_w = rep[1];
        char c;
        if (fx_read_full(go[0], &c, 1, 30000) < 0) _exit(0);
        int fd = open(fpath, O_RDONLY);
        if (fd < 0) { report(-errno); _exit(1); }
        map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) { report(-errno); _exit(1); }
        pthread_t t;
        if (pthread_create(&t, NULL, fault_thread, NULL)) { report(-EAGAIN); _exit(1); }
        if (leader_exits) {
            char c2;
            /* the raw exit of this thread alone: pthread_exit() would dlopen libgcc_s (an mmap,
             * which queues for the mmap lock behind the pending fault) */
            if (fx_read_full(go[0], &c2, 1, 30000) == 0) syscall(SYS_exit, 0);
        }
        for (;;) pause();
    }
    close(go[0]);
    close(rep[1]);

    struct minifuse m;
    memset(&m, 0, sizeof m);
    m.async_read = 1;
    m.withhold = FUSE_READ;
    mf_start_server(&C, &m);
    if (fx_write_full(go[1], "g", 1) < 0) fx_die("victim gone");
    int tid = -1;
    if (fx_read_full(rep[0], &tid, sizeof tid, 10000) < 0) fx_die("victim did not report");
    if (tid < 0) {
        errno = -tid;
        fx_die("victim setup on %s: %m", fpath);
    }
    if (mf_wait_note(&C, 'W', NULL, 10000) < 0) fx_die("server never received the READ");
    if (fx_wait_state(victim, tid, "DS", 5000) < 0) fx_die("fault thread %d not blocked", tid);
    if (leader_exits) {
        if (fx_write_full(go[1], "x", 1) < 0) fx_die("victim gone");
        if (fx_wait_state(victim, victim, "Z", 5000) < 0) fx_die("victim leader %d did not exit", victim);
    }

    /* the queued writer: clear_refs type 5 takes the mmap lock for writing */
    int wr[2];
    if (pipe2(wr, O_CLOEXEC) < 0) fx_die("pipe: %m");
    writer = fx_fork();
    if (writer == 0) {
        close(wr[0]);
        char path[64];
        if (leader_exits) snprintf(path, sizeof path, "/proc/%d/task/%d/clear_refs", (int)victim, tid);
        else snprintf(path, sizeof path, "/proc/%d/clear_refs", (int)victim);
        int fd = open(path, O_WRONLY);
        int r = fd < 0 ? -errno : 0;
        fx_write_full(wr[1], &r, sizeof r);
        if (fd < 0) _exit(1);
        _exit(write(fd, "5", 1) == 1 ? 0 : 2);
    }
    close(wr[1]);
    int r = -1;
    if (fx_read_full(wr[0], &r, sizeof r, 10000) < 0 || r < 0) {
        errno = r < 0 ? -r : EIO;
        fx_die("writer: open clear_refs: %m");
    }
    close(wr[0]);
    if (fx_wait_state(writer, writer, "D", 5000) < 0) fx_die("writer %d did not block on the mmap lock", writer);
    char st = fx_task_state(victim, tid);

    fx_emit("\"pids\":{\"victim\":%d,\"writer\":%d,\"server\":%d,\"fixture\":%d},"
            "\"tids\":{\"stuck\":%d},\"conn\":%u,\"mountpoint\":\"%s\",\"stuckState\":\"%c\",\"release\":\"%s\",\"leader\":\"%s\"",
            victim, writer, C.server, getpid(), tid, C.conn, C.mnt, st, abort_release ? "abort" : "answer",
            leader_exits ? "exited" : "alive");

    const char *why = fx_hold();
    fx_log("releasing (%s)", why);
    if (mf_release(&C, abort_release) < 0) fx_die("release failed: %m");
    int ws = fx_reap(writer, 10000);
    if (ws < 0) fx_die("writer %d still blocked after release", writer);
    writer = 0;
    kill(victim, SIGKILL);
    if (fx_reap(victim, 10000) < 0) fx_die("victim %d not reaped", victim);
    victim = 0;
    fx_cleanup_fn = NULL;
    mf_teardown(&C);
    if (fx_kill_reap_all(NULL, 0, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
