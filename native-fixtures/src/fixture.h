/*
 * fixture.h: the fixture protocol shared by every native fixture (header only).
 *
 * A fixture builds its situation, prints ONE JSON line on stdout, then holds until its stdin
 * reaches EOF, it gets SIGTERM/SIGINT/SIGHUP, or --hold SECONDS passes; then it releases
 * everything, reaps every process it made and exits 0. On failure: one line on stderr, cleanup,
 * non-zero exit. Every fixture is a child subreaper, so its grandchildren come back to it.
 */
#ifndef LIMBO_FIXTURE_H
#define LIMBO_FIXTURE_H

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *fx_name = "fixture";
static int fx_hold_secs = 300;
static void (*fx_cleanup_fn)(void);
static int fx_sigfd = -1;
static pid_t fx_self;

static __attribute__((unused)) pid_t fx_gettid(void) { return (pid_t)syscall(SYS_gettid); }

static __attribute__((unused)) long long fx_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static __attribute__((unused)) void fx_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

static __attribute__((unused)) void fx_log(const char *fmt, ...)
{
    if (!getenv("FIXTURE_VERBOSE")) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s[%d]: ", fx_name, (int)getpid());
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* One line on stderr, cleanup (only in the fixture's main process), exit 1. */
static __attribute__((unused, noreturn)) void fx_die(const char *fmt, ...)
{
    int e = errno;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", fx_name);
    errno = e;
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (getpid() == fx_self && fx_cleanup_fn) {
        void (*fn)(void) = fx_cleanup_fn;
        fx_cleanup_fn = NULL;
        fn();
    }
    exit(getpid() == fx_self ? 1 : 111);
}

/* The common options. Returns 1 if argv[*i] was one (and consumed its value). */
static __attribute__((unused)) int fx_common_arg(int argc, char **argv, int *i)
{
    if (!strcmp(argv[*i], "--hold") && *i + 1 < argc) {
        char *end;
        long v = strtol(argv[++*i], &end, 10);
        if (*end || v < 0) fx_die("--hold wants whole seconds, got '%s'", argv[*i]);
        fx_hold_secs = (int)v;
        return 1;
    }
    return 0;
}

/*
 * Protocol setup in the fixture's main process: child subreaper, SIGTERM/SIGINT/SIGHUP
 * routed to a signalfd (handled in fx_hold), SIGPIPE ignored.
 */
static __attribute__((unused)) void fx_setup(const char *name)
{
    fx_name = name;
    fx_self = getpid();
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) fx_die("prctl(PR_SET_CHILD_SUBREAPER): %m");
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGHUP);
    sigprocmask(SIG_BLOCK, &s, NULL);
    fx_sigfd = signalfd(-1, &s, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fx_sigfd < 0) fx_die("signalfd: %m");
    signal(SIGPIPE, SIG_IGN);
}

/*
 * fork() for the fixture's helper processes: the child gets an empty signal mask, default
 * dispositions, stdin and stdout on /dev/null (the protocol's pipes stay with the main process),
 * and dies with its parent.
 */
static __attribute__((unused)) pid_t fx_fork(void)
{
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) fx_die("fork: %m");
    if (pid > 0) return pid;
    sigset_t s;
    sigemptyset(&s);
    sigprocmask(SIG_SETMASK, &s, NULL);
    signal(SIGPIPE, SIG_DFL);
    if (fx_sigfd >= 0) close(fx_sigfd);
    fx_sigfd = -1;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    pid_t pp = getppid(); /* 0 for the PID 1 of a new pid namespace */
    if (pp != parent && pp != 0) _exit(111);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        close(null);
    }
    fx_cleanup_fn = NULL;
    return 0;
}

/* Print the fixture's JSON line (fmt is the part after "fixture":"name"). */
static __attribute__((unused)) void fx_emit(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("{\"fixture\":\"%s\",", fx_name);
    vprintf(fmt, ap);
    printf("}\n");
    fflush(stdout);
    va_end(ap);
}

/* JSON string escaping into out (always NUL-terminated). */
static __attribute__((unused)) const char *fx_jesc(const char *s, char *out, size_t n)
{
    size_t o = 0;
    for (; *s && o + 7 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') { out[o++] = '\\'; out[o++] = (char)c; }
        else if (c < 0x20) o += (size_t)snprintf(out + o, n - o, "\\u%04x", c);
        else out[o++] = (char)c;
    }
    out[o] = 0;
    return out;
}

/*
 * Hold until stdin EOF, a release signal, or the --hold deadline. Returns a short reason.
 */
static __attribute__((unused)) const char *fx_hold(void)
{
    long long deadline = fx_now_ms() + (long long)fx_hold_secs * 1000;
    int stdin_ok = 1;
    for (;;) {
        long long left = deadline - fx_now_ms();
        if (left <= 0) return "deadline";
        struct pollfd p[2] = { { fx_sigfd, POLLIN, 0 }, { 0, POLLIN, 0 } };
        int n = poll(p, stdin_ok ? 2 : 1, left > 1000 ? 1000 : (int)left);
        if (n < 0 && errno != EINTR) return "poll error";
        if (n <= 0) continue;
        if (p[0].revents) {
            struct signalfd_siginfo si;
            if (read(fx_sigfd, &si, sizeof si) == (ssize_t)sizeof si) return "signal";
        }
        if (stdin_ok && p[1].revents) {
            if (p[1].revents & POLLNVAL) { stdin_ok = 0; continue; }
            char buf[256];
            ssize_t r = read(0, buf, sizeof buf);
            if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) return "stdin closed";
        }
    }
}

/* Read exactly n bytes from fd within timeout_ms. 0 on success, -1 on EOF/timeout/error. */
static __attribute__((unused)) int fx_read_full(int fd, void *buf, size_t n, int timeout_ms)
{
    long long deadline = fx_now_ms() + timeout_ms;
    size_t got = 0;
    while (got < n) {
        long long left = deadline - fx_now_ms();
        if (left <= 0) { errno = ETIMEDOUT; return -1; }
        struct pollfd p = { fd, POLLIN, 0 };
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) { if (r == 0) errno = ETIMEDOUT; return -1; }
        ssize_t k = read(fd, (char *)buf + got, n - got);
        if (k == 0) { errno = EPIPE; return -1; }
        if (k < 0) { if (errno == EINTR || errno == EAGAIN) continue; return -1; }
        got += (size_t)k;
    }
    return 0;
}

static __attribute__((unused)) int fx_write_full(int fd, const void *buf, size_t n)
{
    size_t put = 0;
    while (put < n) {
        ssize_t k = write(fd, (const char *)buf + put, n - put);
        if (k < 0) { if (errno == EINTR) continue; return -1; }
        put += (size_t)k;
    }
    return 0;
}

/* Read a small /proc file into buf (NUL-terminated). Returns length or -1. */
static __attribute__((unused)) ssize_t fx_read_file(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t got = 0, k;
    while ((size_t)got < n - 1 && (k = read(fd, buf + got, n - 1 - (size_t)got)) > 0) got += k;
    close(fd);
    buf[got < 0 ? 0 : got] = 0;
    return got;
}

/* State letter and parent of a task from .../stat (comm may hold ')' : parse after the last one). */
static __attribute__((unused)) int fx_stat_fields(const char *path, char *state, pid_t *ppid)
{
    char buf[4096];
    if (fx_read_file(path, buf, sizeof buf) <= 0) return -1;
    char *rp = strrchr(buf, ')');
    if (!rp || rp[1] != ' ') return -1;
    char st = 0;
    int pp = 0;
    if (sscanf(rp + 2, "%c %d", &st, &pp) != 2) return -1;
    if (state) *state = st;
    if (ppid) *ppid = pp;
    return 0;
}

static __attribute__((unused)) char fx_task_state(pid_t pid, pid_t tid)
{
    char path[64], st = 0;
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    return fx_stat_fields(path, &st, NULL) == 0 ? st : 0;
}

/* Wait until task pid/tid shows one of the state letters in `states`. 0 ok, -1 timeout. */
static __attribute__((unused)) int fx_wait_state(pid_t pid, pid_t tid, const char *states, int timeout_ms)
{
    long long deadline = fx_now_ms() + timeout_ms;
    for (;;) {
        char st = fx_task_state(pid, tid);
        if (st && strchr(states, st)) return 0;
        if (fx_now_ms() >= deadline) return -1;
        fx_sleep_ms(5);
    }
}

/* Wait until /proc/<pid>/task/<tid>/wchan equals `wchan`. 0 ok, -1 timeout. */
static __attribute__((unused)) int fx_wait_wchan(pid_t pid, pid_t tid, const char *wchan, int timeout_ms)
{
    char path[64], buf[128];
    snprintf(path, sizeof path, "/proc/%d/task/%d/wchan", (int)pid, (int)tid);
    long long deadline = fx_now_ms() + timeout_ms;
    for (;;) {
        if (fx_read_file(path, buf, sizeof buf) > 0 && !strcmp(buf, wchan)) return 0;
        if (fx_now_ms() >= deadline) return -1;
        fx_sleep_ms(5);
    }
}

/* Processes (thread-group ids) whose parent is `parent`, from /proc. Returns the count. */
static __attribute__((unused)) int fx_children_of(pid_t parent, pid_t *out, int max)
{
    DIR *d = opendir("/proc");
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0])) continue;
        char path[300];
        pid_t pp = 0;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (fx_stat_fields(path, NULL, &pp) == 0 && pp == parent) {
            if (n < max) out[n] = (pid_t)atoi(e->d_name);
            n++;
        }
    }
    closedir(d);
    return n;
}

/*
 * Kill every remaining child (including orphans reparented to us as subreaper) with SIGKILL and
 * reap them all, repeating until none is left or timeout_ms passes. `first` (may be NULL) names
 * processes to SIGKILL up front. Returns 0 when no child is left, -1 on timeout.
 * Records the exit status of `watch` (if > 0) into *watch_status.
 */
static __attribute__((unused)) int fx_kill_reap_all(const pid_t *first, int nfirst, int timeout_ms,
                                                    pid_t watch, int *watch_status)
{
    for (int i = 0; i < nfirst; i++)
        if (first[i] > 0) kill(first[i], SIGKILL);
    long long deadline = fx_now_ms() + timeout_ms;
    pid_t me = getpid();
    for (;;) {
        int st;
        pid_t r;
        while ((r = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
            if (r == watch && watch_status) *watch_status = st;
        if (r < 0 && errno == ECHILD) return 0;
        pid_t kids[512];
        int n = fx_children_of(me, kids, 512);
        for (int i = 0; i < n && i < 512; i++) kill(kids[i], SIGKILL);
        if (fx_now_ms() >= deadline) return -1;
        fx_sleep_ms(n ? 5 : 20);
    }
}

/* Reap one child within timeout_ms; returns its wait status or -1. */
static __attribute__((unused)) int fx_reap(pid_t pid, int timeout_ms)
{
    long long deadline = fx_now_ms() + timeout_ms;
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG | __WALL);
        if (r == pid) return st;
        if (r < 0 && errno != EINTR) return -1;
        if (fx_now_ms() >= deadline) return -1;
        fx_sleep_ms(5);
    }
}

#endif
