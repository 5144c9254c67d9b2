/*
 * seed-nonreaping-parent: the seed case's parent that never reaps. It forks a child that exits at
 * once, and then spins in a busy loop without ever calling wait(): the child stays a zombie (Z)
 * for as long as the parent lives (`unreaped-zombie`). SIGCHLD is left at SIG_DFL: with SIG_IGN
 * the kernel would reap the child by itself.
 *
 * Fixture protocol (native-fixtures): once the child is Z, prints ONE JSON line
 *   {"fixture":"seed-nonreaping-parent","pids":{"parent":P,"zombie":C}}
 * then holds until stdin reaches EOF, SIGTERM/SIGINT/SIGHUP, or --hold SECONDS (default 300);
 * then reaps the child and exits 0. --idle holds in poll() (state S) instead of spinning (R),
 * to spare the CPU when the busy loop itself is not what is being tested.
 *
 * Usage: seed-nonreaping-parent [--hold SECONDS] [--idle]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;
static void on_stop(int sig) { stop_signal = sig; }

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return (p && p[1] == ' ') ? p[2] : 0;
}

/* 1 when stdin reached EOF (or failed), 0 otherwise; never blocks longer than timeout_ms. */
static int stdin_closed(int timeout_ms)
{
	struct pollfd pf = { 0, POLLIN, 0 };
	char buf[256];
	if (poll(&pf, 1, timeout_ms) <= 0)
		return 0;
	ssize_t n = read(0, buf, sizeof buf);
	return n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
}

int main(int argc, char **argv)
{
	long hold_s = 300;
	int idle = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--hold") && i + 1 < argc)
			hold_s = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--idle"))
			idle = 1;
		else {
			fprintf(stderr, "usage: seed-nonreaping-parent [--hold SECONDS] [--idle]\n");
			return 2;
		}
	}
	struct sigaction sa = { 0 };
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGCHLD, SIG_DFL);

	pid_t child = fork();
	if (child < 0) {
		fprintf(stderr, "seed-nonreaping-parent: fork: %s\n", strerror(errno));
		return 1;
	}
	if (child == 0) {
		prctl(PR_SET_NAME, "zombie-child");
		_exit(0);
	}
	long end = now_ms() + 30000;
	while (proc_state(child) != 'Z' && now_ms() < end)
		usleep(1000);
	if (proc_state(child) != 'Z') {
		fprintf(stderr, "seed-nonreaping-parent: child %d did not become a zombie\n", child);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return 1;
	}
	printf("{\"fixture\":\"seed-nonreaping-parent\",\"pids\":{\"parent\":%d,\"zombie\":%d}}\n", getpid(), child);
	fflush(stdout);

	end = now_ms() + hold_s * 1000L;
	volatile unsigned long spin = 0;
	while (!stop_signal && now_ms() < end) {
		if (idle) {
			long left = end - now_ms();
			if (stdin_closed(left > 1000 ? 1000 : (int)left))
				break;
		} else {
			for (int i = 0; i < 1000000 && !stop_signal; i++)
				spin++; /* the busy loop: state R, never a wait() */
			if (stdin_closed(0))
				break;
		}
	}
	waitpid(child, NULL, 0);
	return 0;
}
