/*
 * churn [--hold SECONDS] [--forkers N] [--spawners N] [--pause-us US]
 *
 * A healthy, busy host in miniature: in a pid namespace of its own, N (2) forker processes fork
 * short-lived children (each touches some fresh memory and exits) and N (2) spawner processes
 * start bursts of 8 short-lived threads and join them, as fast as they can with a pause of
 * US (200) microseconds between rounds. At most 1 child per forker and 8 threads per spawner
 * live at once; everything stops at release (or when the fixture dies: PDEATHSIG). Tasks pass
 * through D for an instant while they fork, fault and exit; nothing stays stuck: limbo must
 * report nothing about them.
 *
 * A procfs of the namespace is mounted at /tmp/limbo-churn-<fixture pid>/proc so that limbo can
 * be pointed at the churn alone (--proc-root); the mount is detached at release.
 * Names: churn-init (the namespace's PID 1), churn-forker, churn-child, churn-spawner,
 * churn-thread.
 * JSON: {"pids":{"fixture":P,"init":I,"forkers":[...],"spawners":[...]},"procRoot":"...",
 *        "counters":"/tmp/limbo-churn-P/counts"}
 */
#include "fixture.h"
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>

#define MAX_WORKERS 16
static int forkers = 2, spawners = 2, pause_us = 200;
static pid_t init_pid;
static char dir[64], procdir[80];

static void *thread_main(void *arg)
{
    (void)arg;
    prctl(PR_SET_NAME, "churn-thread");
    volatile char buf[4096];
    for (int i = 0; i < (int)sizeof buf; i += 64) buf[i] = (char)i;
    return NULL;
}

static void forker(void)
{
    prctl(PR_SET_NAME, "churn-forker");
    for (;;) {
        pid_t c = fork();
        if (c == 0) {
            prctl(PR_SET_NAME, "churn-child");
            size_t n = 256 * 1024;
            char *m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m != MAP_FAILED) for (size_t i = 0; i < n; i += 4096) m[i] = 1;
            _exit(0);
        }
        if (c > 0) waitpid(c, NULL, 0);
        usleep((useconds_t)pause_us);
    }
}

static void spawner(void)
{
    prctl(PR_SET_NAME, "churn-spawner");
    for (;;) {
        pthread_t t[8];
        int n = 0;
        for (int i = 0; i < 8; i++)
            if (pthread_create(&t[n], NULL, thread_main, NULL) == 0) n++;
        for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
        usleep((useconds_t)pause_us);
    }
}

static void cleanup(void)
{
    if (init_pid > 0) kill(init_pid, SIGKILL);
    fx_kill_reap_all(NULL, 0, 5000, 0, NULL);
    if (procdir[0]) umount2(procdir, MNT_DETACH);
    if (procdir[0]) rmdir(procdir);
    if (dir[0]) rmdir(dir);
}

int main(int argc, char **argv)
{
    fx_setup("churn");
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--forkers") && i + 1 < argc) { forkers = atoi(argv[++i]); continue; }
        if (!strcmp(argv[i], "--spawners") && i + 1 < argc) { spawners = atoi(argv[++i]); continue; }
        if (!strcmp(argv[i], "--pause-us") && i + 1 < argc) { pause_us = atoi(argv[++i]); continue; }
        fx_die("usage: churn [--hold SECONDS] [--forkers N] [--spawners N] [--pause-us US]");
    }
    if (forkers < 0 || spawners < 0 || forkers + spawners > MAX_WORKERS || forkers + spawners == 0)
        fx_die("--forkers + --spawners must be 1..%d", MAX_WORKERS);
    if (pause_us < 0 || pause_us > 1000000) fx_die("--pause-us must be 0..1000000");
    snprintf(dir, sizeof dir, "/tmp/limbo-churn-%d", (int)getpid());
    snprintf(procdir, sizeof procdir, "%s/proc", dir);
    fx_cleanup_fn = cleanup;
    if (mkdir(dir, 0755) < 0 || mkdir(procdir, 0755) < 0) fx_die("mkdir %s: %m", procdir);

    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0) fx_die("pipe: %m");
    if (unshare(CLONE_NEWPID) < 0) fx_die("unshare(CLONE_NEWPID): %m");
    init_pid = fx_fork(); /* PID 1 of the new namespace */
    if (init_pid == 0) {
        prctl(PR_SET_NAME, "churn-init");
        close(ready[0]);
        /* A procfs of this namespace, in the host's mount namespace (the fixture unmounts it). */
        if (mount("proc", procdir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) _exit(112);
        pid_t w[MAX_WORKERS];
        for (int i = 0; i < forkers + spawners; i++) {
            w[i] = fork();
            if (w[i] == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (i < forkers) forker(); else spawner();
                _exit(0);
            }
            if (w[i] < 0) _exit(113);
        }
        /* The workers' pids as the host sees them come from the parent; here just say ready. */
        if (write(ready[1], "r", 1) != 1) _exit(114);
        close(ready[1]);
        for (;;) {
            if (waitpid(-1, NULL, __WALL) < 0 && errno == ECHILD) pause();
        }
    }
    close(ready[1]);
    char c;
    if (fx_read_full(ready[0], &c, 1, 10000) < 0) fx_die("the namespace's init did not start (mount of %s failed?)", procdir);
    close(ready[0]);

    /* The workers, by their host pids: the children of init. */
    pid_t kids[MAX_WORKERS];
    int n = 0;
    long long deadline = fx_now_ms() + 5000;
    while ((n = fx_children_of(init_pid, kids, MAX_WORKERS)) < forkers + spawners) {
        if (fx_now_ms() > deadline) fx_die("only %d of %d workers appeared", n, forkers + spawners);
        fx_sleep_ms(5);
    }
    char fl[MAX_WORKERS * 12] = "", sl[MAX_WORKERS * 12] = "", comm[64], path[64];
    for (int i = 0; i < n && i < MAX_WORKERS; i++) {
        snprintf(path, sizeof path, "/proc/%d/comm", (int)kids[i]);
        deadline = fx_now_ms() + 5000;
        for (;;) {
            if (fx_read_file(path, comm, sizeof comm) > 0 && strncmp(comm, "churn-init", 10) != 0) break;
            if (fx_now_ms() > deadline) fx_die("worker %d never took its name", (int)kids[i]);
            fx_sleep_ms(2);
        }
        char *l = strncmp(comm, "churn-forker", 12) == 0 ? fl : sl;
        snprintf(l + strlen(l), sizeof fl - strlen(l), "%s%d", l[0] ? "," : "", (int)kids[i]);
    }
    fx_emit("\"pids\":{\"fixture\":%d,\"init\":%d,\"forkers\":[%s],\"spawners\":[%s]},\"procRoot\":\"%s\"",
            (int)getpid(), (int)init_pid, fl, sl, procdir);
    const char *why = fx_hold();
    fx_log("released: %s", why);
    fx_cleanup_fn = NULL;
    kill(init_pid, SIGKILL);
    int left = fx_kill_reap_all(NULL, 0, 5000, 0, NULL);
    int um = umount2(procdir, MNT_DETACH);
    rmdir(procdir);
    rmdir(dir);
    if (left < 0) fx_die("children left behind");
    if (um < 0) fx_die("umount %s: %m", procdir);
    return 0;
}
