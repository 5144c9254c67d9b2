/*
 * guard [--grace SECONDS] FIXTURE [ARGS...]
 *
 * Runs FIXTURE as a child of a child subreaper, with a pipe as the fixture's stdin. When guard's
 * own stdin reaches EOF (the test or its JVM went away) or guard gets SIGTERM/SIGINT/SIGHUP, it
 * closes that pipe so the fixture releases its situation; after the grace period (default 15 s)
 * it SIGKILLs every descendant still there (they are all reparented to guard, as subreaper) and
 * reaps them all. It also does that sweep when the fixture exits by itself. Exit status: the
 * fixture's (128+N if killed by signal N); 125 if descendants could not be reaped; 127 if the
 * fixture could not be started.
 */
#include "fixture.h"

int main(int argc, char **argv)
{
    fx_name = "guard";
    fx_self = getpid();
    double grace = 15;
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "--grace")) {
        grace = atof(argv[i + 1]);
        i += 2;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: guard [--grace SECONDS] FIXTURE [ARGS...]\n");
        return 127;
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) fx_die("prctl(PR_SET_CHILD_SUBREAPER): %m");

    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGHUP);
    sigaddset(&s, SIGCHLD);
    sigprocmask(SIG_BLOCK, &s, &old);
    int sfd = signalfd(-1, &s, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) fx_die("signalfd: %m");

    int ctl[2];
    if (pipe2(ctl, O_CLOEXEC) < 0) fx_die("pipe: %m");
    fflush(NULL);
    pid_t fx = fork();
    if (fx < 0) fx_die("fork: %m");
    if (fx == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        dup2(ctl[0], 0); /* dup2 clears O_CLOEXEC on fd 0 */
        execvp(argv[i], argv + i);
        fprintf(stderr, "guard: cannot run %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }
    close(ctl[0]);
    signal(SIGPIPE, SIG_IGN);

    int fx_status = -1, released = 0, stdin_open = 1;
    long long deadline = 0;
    while (fx_status < 0) {
        int timeout = -1;
        if (released) {
            long long left = deadline - fx_now_ms();
            if (left <= 0) break;
            timeout = left > 1000 ? 1000 : (int)left;
        }
        struct pollfd p[2] = { { sfd, POLLIN, 0 }, { 0, POLLIN, 0 } };
        int n = poll(p, stdin_open ? 2 : 1, timeout);
        if (n < 0 && errno != EINTR) fx_die("poll: %m");
        int release = 0;
        if (n > 0 && p[0].revents) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                if (si.ssi_signo != SIGCHLD) release = 1;
        }
        if (n > 0 && stdin_open && p[1].revents) {
            char buf[256];
            ssize_t r = (p[1].revents & POLLNVAL) ? 0 : read(0, buf, sizeof buf);
            if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
                stdin_open = 0;
                release = 1;
            }
        }
        /* reap whatever exited (the fixture, or orphans reparented to us) */
        int st;
        pid_t r;
        while ((r = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
            if (r == fx) fx_status = st;
        if (release && !released) {
            released = 1;
            close(ctl[1]);
            ctl[1] = -1;
            deadline = fx_now_ms() + (long long)(grace * 1000);
        }
    }
    if (ctl[1] >= 0) close(ctl[1]);
    if (fx_status < 0) fprintf(stderr, "guard: fixture %s did not exit within %.0f s, killing it\n", argv[i], grace);

    /* Sweep: SIGKILL every remaining descendant, reap all; repeat until none (bounded). */
    pid_t first[1] = { fx };
    int rc = fx_kill_reap_all(fx_status < 0 ? first : NULL, fx_status < 0 ? 1 : 0, 60000, fx, &fx_status);
    if (rc < 0) {
        pid_t kids[64];
        int n = fx_children_of(getpid(), kids, 64);
        fprintf(stderr, "guard: %d descendant(s) could not be reaped:", n);
        for (int k = 0; k < n && k < 64; k++) fprintf(stderr, " %d", (int)kids[k]);
        fputc('\n', stderr);
        return 125;
    }
    if (fx_status < 0) return 125;
    if (WIFEXITED(fx_status)) return WEXITSTATUS(fx_status);
    if (WIFSIGNALED(fx_status)) return 128 + WTERMSIG(fx_status);
    return 125;
}
