/*
 * pidns-init [--hold SECONDS]
 *
 * A new pid namespace whose PID 1 never reaps (like a container started without an init). Its
 * child exits and stays Z; the child's own child, orphaned and reparented to that PID 1, exits
 * too and stays Z under it.
 */
#include "fixture.h"
#include <sched.h>

static pid_t init_pid;

static void cleanup(void) { fx_kill_reap_all(&init_pid, 1, 5000, 0, NULL); }

/* The innermost pid of a process (last NSpid column), or -1. */
static int ns_pid(pid_t host)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)host);
    if (fx_read_file(path, buf, sizeof buf) <= 0) return -1;
    char *l = strstr(buf, "\nNSpid:");
    if (!l) return -1;
    l += 7;
    char *end = strchr(l, '\n');
    if (end) *end = 0;
    char *last = strrchr(l, '\t');
    return last ? atoi(last + 1) : atoi(l);
}

int main(int argc, char **argv)
{
    fx_setup("pidns-init");
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        fx_die("usage: pidns-init [--hold SECONDS]");
    }
    fx_cleanup_fn = cleanup;
    if (unshare(CLONE_NEWPID) < 0) fx_die("unshare(CLONE_NEWPID): %m");
    init_pid = fx_fork(); /* PID 1 of the new namespace */
    if (init_pid == 0) {
        pid_t a = fork();
        if (a == 0) {
            pid_t b = fork();
            if (b == 0) {
                fx_sleep_ms(100); /* outlive the parent: reparented to our PID 1 */
                _exit(0);
            }
            _exit(0);
        }
        for (;;) pause(); /* PID 1 that never reaps */
    }
    /* find the two zombies under PID 1 (host pids) */
    pid_t z[8];
    int n = 0;
    long long deadline = fx_now_ms() + 5000;
    for (;;) {
        pid_t kids[8];
        int k = fx_children_of(init_pid, kids, 8);
        n = 0;
        for (int i = 0; i < k && i < 8; i++)
            if (fx_task_state(kids[i], kids[i]) == 'Z') z[n++] = kids[i];
        if (n >= 2) break;
        if (fx_now_ms() > deadline) fx_die("expected 2 zombies under the namespace's PID 1, found %d", n);
        fx_sleep_ms(10);
    }
    /* NSpid 2 is PID 1's own child; 3 is the orphaned grandchild */
    pid_t child = ns_pid(z[0]) == 2 ? z[0] : z[1];
    pid_t orphan = child == z[0] ? z[1] : z[0];
    fx_emit("\"pids\":{\"init\":%d,\"zombies\":[%d,%d],\"child\":%d,\"orphan\":%d,\"fixture\":%d}",
            init_pid, child, orphan, child, orphan, getpid());
    fx_hold();
    fx_cleanup_fn = NULL;
    /* SIGKILL to PID 1 ends the namespace; its exit reaps the zombies */
    if (fx_kill_reap_all(&init_pid, 1, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
