/*
 * zombie-many [--count N] [--hold SECONDS]
 *
 * One live parent (sleeping) that never waits, holding N (default 12) zombie children.
 */
#include "fixture.h"

static pid_t parent;

static void cleanup(void) { fx_kill_reap_all(&parent, 1, 5000, 0, NULL); }

int main(int argc, char **argv)
{
    fx_setup("zombie-many");
    int n = 12;
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        if (!strcmp(argv[i], "--count") && i + 1 < argc) n = atoi(argv[++i]);
        else fx_die("usage: zombie-many [--count N] [--hold SECONDS]");
    }
    if (n < 1 || n > 4096) fx_die("--count must be 1..4096");
    fx_cleanup_fn = cleanup;
    int rep[2];
    if (pipe2(rep, O_CLOEXEC) < 0) fx_die("pipe: %m");
    parent = fx_fork();
    if (parent == 0) {
        close(rep[0]);
        for (int i = 0; i < n; i++) {
            pid_t c = fork();
            if (c == 0) _exit(0);
            int v = c < 0 ? -errno : (int)c;
            fx_write_full(rep[1], &v, sizeof v);
        }
        for (;;) pause(); /* never waits */
    }
    close(rep[1]);
    int *z = calloc((size_t)n, sizeof *z);
    size_t cap = (size_t)n * 12 + 16;
    char *list = calloc(cap, 1);
    if (!z || !list) fx_die("out of memory");
    for (int i = 0; i < n; i++) {
        if (fx_read_full(rep[0], &z[i], sizeof z[i], 10000) < 0) fx_die("parent did not report child %d", i);
        if (z[i] < 0) {
            errno = -z[i];
            fx_die("fork: %m");
        }
        snprintf(list + strlen(list), cap - strlen(list), "%s%d", i ? "," : "", z[i]);
    }
    for (int i = 0; i < n; i++)
        if (fx_wait_state(z[i], z[i], "Z", 5000) < 0) fx_die("child %d is not Z", z[i]);
    fx_emit("\"pids\":{\"parent\":%d,\"zombies\":[%s],\"fixture\":%d},\"count\":%d", parent, list, getpid(), n);
    fx_hold();
    fx_cleanup_fn = NULL;
    /* killing the parent hands the zombies to us (subreaper); reap them all */
    if (fx_kill_reap_all(&parent, 1, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
