/*
 * weird-comm [--hold SECONDS]
 *
 * Ordinary sleeping processes whose comm holds ')', spaces, parentheses, quotes and text that
 * looks like stat fields (a parser that stops at the first ')' reads a fake state: Z or D).
 * Three more are hostile to a terminal: one sets the window title and the colour
 * (ESC ] 0 ; PWN BEL ESC [ 31 m X), one returns the carriage and erases the line to forge
 * "fake OK", one holds a newline. One more has a plain comm. Nothing is wrong with any of them:
 * no finding is expected (and limbo must show the names escaped).
 */
#include "fixture.h"

static const char *names[] = { "a) b", ") Z 1 1 1 1", ") D 0 0", "x (y) z", "sp ace", "((", "q\"uo\\te",
                                "\033]0;PWN\a\033[31mX", "\r\033[2Kfake OK", "line\nbreak", "normal" };
#define N (int)(sizeof names / sizeof names[0])
static pid_t procs[N];

static void cleanup(void) { fx_kill_reap_all(procs, N, 5000, 0, NULL); }

int main(int argc, char **argv)
{
    fx_setup("weird-comm");
    for (int i = 1; i < argc; i++) {
        if (fx_common_arg(argc, argv, &i)) continue;
        fx_die("usage: weird-comm [--hold SECONDS]");
    }
    fx_cleanup_fn = cleanup;
    for (int i = 0; i < N; i++) {
        procs[i] = fx_fork();
        if (procs[i] == 0) {
            prctl(PR_SET_NAME, names[i]);
            for (;;) pause();
        }
    }
    char plist[N * 12] = "", clist[N * 40] = "", esc[40];
    for (int i = 0; i < N; i++) {
        char path[64], comm[64];
        snprintf(path, sizeof path, "/proc/%d/comm", (int)procs[i]);
        long long deadline = fx_now_ms() + 5000;
        for (;;) {
            ssize_t n = fx_read_file(path, comm, sizeof comm);
            if (n > 0 && comm[n - 1] == '\n') {
                comm[n - 1] = 0; /* only the final newline: a name may hold one */
                if (!strcmp(comm, names[i]) && fx_task_state(procs[i], procs[i]) == 'S') break;
            }
            if (fx_now_ms() > deadline) fx_die("process %d did not take comm '%s'", procs[i], names[i]);
            fx_sleep_ms(5);
        }
        snprintf(plist + strlen(plist), sizeof plist - strlen(plist), "%s%d", i ? "," : "", procs[i]);
        snprintf(clist + strlen(clist), sizeof clist - strlen(clist), "%s\"%s\"", i ? "," : "",
                 fx_jesc(names[i], esc, sizeof esc));
    }
    fx_emit("\"pids\":{\"procs\":[%s],\"fixture\":%d},\"comms\":[%s]", plist, getpid(), clist);
    fx_hold();
    fx_cleanup_fn = NULL;
    if (fx_kill_reap_all(procs, N, 5000, 0, NULL) < 0) fx_die("children left behind");
    return 0;
}
