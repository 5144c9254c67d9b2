/*
 * taskload: a task-load generator for benchmarks (fixture protocol, see TEAM.md).
 *
 *   taskload --procs N --threads T [--hold SECONDS]
 *
 * Starts N child processes, each running T tasks in total (its main thread plus T-1 extra
 * threads), every one of them asleep in pause(). The load is N*T tasks, plus the generator.
 * Once every task is up it prints ONE JSON line, e.g.
 *   {"fixture":"taskload","pids":{"generator":123},"procs":1000,"threads":10,"tasks":10000}
 * then holds until stdin reaches EOF, SIGTERM/SIGINT/SIGHUP arrives or --hold SECONDS
 * (default 300) pass; then it SIGKILLs every child, reaps everything and exits 0.
 *
 * Safety: the generator is a child subreaper; each child has PR_SET_PDEATHSIG=SIGKILL, so even
 * a SIGKILLed generator leaves nothing running. Thread stacks are PTHREAD_STACK_MIN and never
 * touched, so 30,000 tasks cost little user memory. A failure (fork or thread creation, e.g.
 * pid space exhausted) cleans up, prints one line on stderr and exits non-zero.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal;
static pid_t *children;
static long nchildren;

static void on_signal(int sig) { got_signal = sig; }

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

/* Child body: start T-1 threads, report 'R' (ready) or 'F' (failed) on the pipe, sleep. */
static void child_main(int wfd, long threads, pid_t parent)
{
    /* Die with the generator, whatever kills it. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(1);
    signal(SIGINT, SIG_IGN); /* Ctrl-C goes to the generator, which kills us in order */
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_IGN);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
    char status = 'R';
    for (long i = 1; i < threads; i++) {
        pthread_t t;
        if (pthread_create(&t, &attr, sleeper, NULL) != 0) {
            status = 'F';
            break;
        }
    }
    pthread_attr_destroy(&attr);
    if (write(wfd, &status, 1) != 1)
        _exit(1);
    close(wfd);
    if (status != 'R')
        _exit(1);
    for (;;)
        pause();
}

static void kill_and_reap(void)
{
    for (long i = 0; i < nchildren; i++)
        if (children[i] > 0)
            kill(children[i], SIGKILL);
    /* Reap every child and, as subreaper, anything reparented to us. */
    for (;;) {
        pid_t p = waitpid(-1, NULL, __WALL);
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0)
            break;
    }
    nchildren = 0;
}

static void fail(const char *what)
{
    int e = errno;
    kill_and_reap();
    fprintf(stderr, "taskload: %s%s%s\n", what, e ? ": " : "", e ? strerror(e) : "");
    exit(1);
}

static long parse_long(const char *s, const char *opt)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < 0) {
        fprintf(stderr, "taskload: bad value for %s: %s\n", opt, s);
        exit(2);
    }
    return v;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long procs = -1, threads = 1, hold = 300;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--procs") == 0)
            procs = parse_long(argv[++i], "--procs");
        else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0)
            threads = parse_long(argv[++i], "--threads");
        else if (i + 1 < argc && strcmp(argv[i], "--hold") == 0)
            hold = parse_long(argv[++i], "--hold");
        else {
            fprintf(stderr, "usage: taskload --procs N --threads T [--hold SECONDS]\n");
            return 2;
        }
    }
    if (procs < 0 || threads < 1) {
        fprintf(stderr, "taskload: --procs N (>= 0) and --threads T (>= 1) are required\n");
        return 2;
    }

    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        perror("taskload: prctl(PR_SET_CHILD_SUBREAPER)");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    children = calloc(procs ? (size_t)procs : 1, sizeof *children);
    if (!children)
        fail("out of memory");
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0)
        fail("pipe");

    pid_t self = getpid();
    for (long i = 0; i < procs; i++) {
        if (got_signal)
            fail("interrupted while starting the load");
        pid_t p = fork();
        if (p < 0)
            fail("fork");
        if (p == 0) {
            close(pfd[0]);
            child_main(pfd[1], threads, self);
        }
        children[nchildren++] = p;
    }
    close(pfd[1]);

    /* Wait for every child's report (bounded: 120 s; a child that died early is a failure). */
    long ready = 0;
    double deadline = now_s() + 120;
    while (ready < procs) {
        if (got_signal)
            fail("interrupted while starting the load");
        if (now_s() > deadline) {
            errno = 0;
            fail("timed out waiting for the load to start");
        }
        struct pollfd pf = {.fd = pfd[0], .events = POLLIN};
        int r = poll(&pf, 1, 1000);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            fail("poll");
        if (r == 0)
            continue;
        char buf[4096];
        ssize_t n = read(pfd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            errno = 0;
            fail("a child died before reporting");
        }
        for (ssize_t k = 0; k < n; k++) {
            if (buf[k] != 'R') {
                errno = EAGAIN;
                fail("a child could not create its threads (pid space or limits exhausted?)");
            }
            ready++;
        }
    }
    close(pfd[0]);

    printf("{\"fixture\":\"taskload\",\"pids\":{\"generator\":%d},\"procs\":%ld,\"threads\":%ld,"
           "\"tasks\":%ld}\n",
           (int)self, procs, threads, procs * threads);
    fflush(stdout);

    /* Hold: until stdin EOF, a signal, or --hold seconds. */
    double end = now_s() + (double)hold;
    while (!got_signal) {
        double left = end - now_s();
        if (left <= 0)
            break;
        struct pollfd pf = {.fd = 0, .events = POLLIN};
        int r = poll(&pf, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (r > 0) {
            char buf[256];
            ssize_t n = read(0, buf, sizeof buf);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
                break; /* EOF (or stdin unusable): release */
        }
    }

    kill_and_reap();
    free(children);
    return 0;
}
