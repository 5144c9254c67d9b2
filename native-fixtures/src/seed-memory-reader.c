/*
 * seed-memory-reader [--hold SECONDS] [--device PATH]
 *
 * The seed case's fork + thread program, for the `memory` kernel module (native-fixtures/module).
 * The fixture forks a child; the child opens /dev/memory and starts a thread that read()s it. The
 * module's read() sleeps in wait_event() (TASK_UNINTERRUPTIBLE), so the thread is in D. The
 * fixture then SIGKILLs the child: the leader runs do_exit() and becomes a zombie (Z), but its
 * thread group is not empty, so the fixture (its parent) gets no SIGCHLD and waitpid(WNOHANG)
 * returns 0; the reader thread stays D in memory_read with SIGKILL pending. That is the founding
 * case's shape: "zombie leader + D-state thread" (`zombie-leader-stuck-thread`).
 *
 * JSON line: {"fixture":"seed-memory-reader","pids":{"parent":P,"child":C},"tids":{"stuck":T},"device":"/dev/memory"}
 * While holding, the fixture reaps the child as soon as it becomes reapable: when someone releases
 * the module (`echo 1 > /dev/memory`), the thread wakes, finishes its exit, and release_task()
 * notifies the parent; the child disappears from /proc within milliseconds.
 * Release: write to the device (wakes every reader), reap the child, exit 0.
 */
#include "fixture.h"
#include <pthread.h>

#define STEP_MS 30000 /* generous: under software emulation everything is slow */

static const char *device = "/dev/memory";
static pid_t child;
static int child_reaped;

static int try_reap(void)
{
    if (!child_reaped && child > 0 && waitpid(child, NULL, WNOHANG) == child) child_reaped = 1;
    return child_reaped;
}

/* Wakes every reader sleeping in the module's read(). */
static void release_device(void)
{
    int fd = open(device, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "1", 1) != 1) fprintf(stderr, "%s: cannot release %s: %m\n", fx_name, device);
    if (fd >= 0) close(fd);
}

static void cleanup(void)
{
    if (child <= 0 || try_reap()) return;
    release_device();
    kill(child, SIGKILL); /* if it never got one */
    for (long long end = fx_now_ms() + STEP_MS; !try_reap() && fx_now_ms() < end;) fx_sleep_ms(10);
}

/* ---- the child: a leader that idles and a thread that reads the device ---- */
static int report_fd = -1, dev_fd = -1;

static void *reader(void *arg)
{
    (void)arg;
    pid_t tid = fx_gettid();
    char c;
    prctl(PR_SET_NAME, "memory-reader");
    fx_write_full(report_fd, &tid, sizeof tid);
    (void)!read(dev_fd, &c, 1); /* sleeps in memory_read (D) until the module is released */
    return NULL;
}

static void run_child(void)
{
    pthread_t t;
    int err = 0;
    dev_fd = open(device, O_RDONLY | O_CLOEXEC);
    if (dev_fd < 0) err = -errno;
    else if ((err = pthread_create(&t, NULL, reader, NULL)) != 0) err = -err;
    if (err) {
        fx_write_full(report_fd, &err, sizeof err);
        _exit(2);
    }
    for (;;) pause(); /* the leader idles until the fixture's SIGKILL */
}

/* Like fx_hold(), but reaps the child as soon as it becomes reapable. */
static const char *hold_reaping(void)
{
    long long deadline = fx_now_ms() + (long long)fx_hold_secs * 1000;
    int stdin_ok = 1;
    for (;;) {
        try_reap();
        long long left = deadline - fx_now_ms();
        if (left <= 0) return "deadline";
        struct pollfd p[2] = { { fx_sigfd, POLLIN, 0 }, { 0, POLLIN, 0 } };
        int n = poll(p, stdin_ok ? 2 : 1, left > 50 ? 50 : (int)left);
        if (n <= 0) continue;
        if (p[0].revents) return "signal";
        if (stdin_ok && p[1].revents) {
            if (p[1].revents & POLLNVAL) { stdin_ok = 0; continue; }
            char buf[256];
            ssize_t r = read(0, buf, sizeof buf);
            if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) return "stdin closed";
        }
    }
}

int main(int argc, char **argv)
{
    fx_setup("seed-memory-reader");
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--device") && i + 1 < argc) device = argv[++i];
        else fx_die("usage: seed-memory-reader [--hold SECONDS] [--device PATH]");
    }
    if (access(device, R_OK | W_OK) != 0) fx_die("%s: %m (is the memory module loaded?)", device);
    signal(SIGCHLD, SIG_DFL); /* never SIG_IGN: that would let the kernel reap the child itself */
    fx_cleanup_fn = cleanup;

    int rep[2];
    if (pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    child = fx_fork();
    if (child == 0) {
        close(rep[0]);
        report_fd = rep[1];
        run_child();
    }
    close(rep[1]);
    pid_t tid = 0;
    if (fx_read_full(rep[0], &tid, sizeof tid, STEP_MS) < 0) fx_die("child did not report its reader thread");
    close(rep[0]);
    if (tid < 0) { errno = -tid; fx_die("child cannot read %s: %m", device); }
    if (fx_wait_state(child, tid, "D", STEP_MS) < 0) fx_die("reader thread %d never entered D", tid);
    if (kill(child, SIGKILL) < 0) fx_die("kill: %m");
    if (fx_wait_state(child, child, "Z", STEP_MS) < 0) fx_die("child %d did not become a zombie", child);
    if (fx_task_state(child, tid) != 'D') fx_die("reader thread %d left D after SIGKILL", tid);
    if (try_reap()) fx_die("child %d was reaped although its thread is stuck", child);

    fx_emit("\"pids\":{\"parent\":%d,\"child\":%d},\"tids\":{\"stuck\":%d},\"device\":\"%s\"",
            getpid(), child, tid, device);
    hold_reaping();
    fx_cleanup_fn = NULL;
    cleanup();
    if (!child_reaped) fx_die("child %d still not reaped after releasing %s", child, device);
    return 0;
}
