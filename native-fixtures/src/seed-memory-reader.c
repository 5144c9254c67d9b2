/*
 * seed-memory-reader: the seed case's fork + thread program, for the `memory` kernel module.
 *
 * The parent forks a child; the child opens /dev/memory and starts a thread that read()s it.
 * The module's read() sleeps in wait_event() (TASK_UNINTERRUPTIBLE), so the thread is in D.
 * The parent then SIGKILLs the child: the leader runs do_exit() and becomes a zombie (Z), but
 * its thread group is not empty, so the parent gets no SIGCHLD and waitpid(WNOHANG) returns 0;
 * the reader thread stays D in memory_read with SIGKILL pending. This is the founding case's
 * shape: "zombie leader + D-state thread".
 *
 * Fixture protocol (native-fixtures): once in place, prints ONE JSON line
 *   {"fixture":"seed-memory-reader","pids":{"parent":P,"child":C},"tids":{"stuck":T},"device":"/dev/memory"}
 * then holds until stdin reaches EOF, SIGTERM/SIGINT/SIGHUP, or --hold SECONDS (default 300).
 * While holding it reaps the child as soon as it becomes reapable (someone released the module:
 * the thread finishes exiting, release_task() notifies the parent with SIGCHLD).
 * Release: write to the device (wakes the reader), reap the child, exit 0.
 * Failures: one line on stderr, non-zero exit, after cleaning up what it can.
 *
 * Usage: seed-memory-reader [--hold SECONDS] [--device PATH]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STEP_TIMEOUT_MS 30000 /* generous: under software emulation everything is slow */

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t got_sigchld;
static const char *device = "/dev/memory";
static pid_t child = -1;
static int child_reaped;

static void on_stop(int sig) { stop_signal = sig; }
static void on_chld(int sig) { (void)sig; got_sigchld = 1; }

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* State letter of /proc/PID/task/TID/stat (after the last ')'), or 0 if unreadable. */
static char task_state(pid_t pid, pid_t tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
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

static int wait_state(pid_t pid, pid_t tid, char want)
{
	for (long end = now_ms() + STEP_TIMEOUT_MS; now_ms() < end; sleep_ms(10))
		if (task_state(pid, tid) == want)
			return 1;
	return 0;
}

/* Wakes every reader sleeping in the module's read(). */
static int release_device(void)
{
	int fd = open(device, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, "1", 1);
	close(fd);
	return n == 1 ? 0 : -1;
}

static int try_reap(int flags)
{
	if (child_reaped || child <= 0)
		return 1;
	int st;
	pid_t r = waitpid(child, &st, flags);
	if (r == child)
		child_reaped = 1;
	return child_reaped;
}

/* Release the device, then reap the child within a bound. Returns 0 when reaped. */
static int release_and_reap(void)
{
	if (child <= 0 || try_reap(WNOHANG))
		return 0;
	if (release_device() != 0)
		fprintf(stderr, "seed-memory-reader: cannot release %s: %s\n", device, strerror(errno));
	for (long end = now_ms() + STEP_TIMEOUT_MS; now_ms() < end; sleep_ms(10)) {
		kill(child, SIGKILL); /* no-op once it is exiting; needed if it never got one */
		if (try_reap(WNOHANG))
			return 0;
	}
	return -1;
}

static void fail(const char *what)
{
	int saved = errno;
	fprintf(stderr, "seed-memory-reader: %s%s%s\n", what, saved ? ": " : "", saved ? strerror(saved) : "");
	if (release_and_reap() != 0)
		fprintf(stderr, "seed-memory-reader: child %d could not be reaped\n", child);
	exit(1);
}

/* ---- the child ---- */
static int report_fd = -1;
static int dev_fd = -1;

static void *reader(void *arg)
{
	(void)arg;
	pid_t tid = (pid_t)syscall(SYS_gettid);
	char c;
	prctl(PR_SET_NAME, "memory-reader");
	if (write(report_fd, &tid, sizeof tid) != sizeof tid)
		_exit(3);
	(void)!read(dev_fd, &c, 1); /* sleeps in memory_read (D) until the module is released */
	return NULL;
}

static void run_child(void)
{
	int err;
	pthread_t t;
	dev_fd = open(device, O_RDONLY | O_CLOEXEC);
	if (dev_fd < 0) {
		err = -errno;
		(void)!write(report_fd, &err, sizeof err);
		_exit(2);
	}
	if ((err = pthread_create(&t, NULL, reader, NULL)) != 0) {
		err = -err;
		(void)!write(report_fd, &err, sizeof err);
		_exit(2);
	}
	for (;;)
		pause(); /* the leader idles until the parent's SIGKILL */
}

int main(int argc, char **argv)
{
	long hold_s = 300;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--hold") && i + 1 < argc)
			hold_s = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--device") && i + 1 < argc)
			device = argv[++i];
		else {
			fprintf(stderr, "usage: seed-memory-reader [--hold SECONDS] [--device PATH]\n");
			return 2;
		}
	}
	if (access(device, R_OK | W_OK) != 0) {
		fprintf(stderr, "seed-memory-reader: %s: %s (is the memory module loaded?)\n", device, strerror(errno));
		return 1;
	}

	struct sigaction sa = { 0 };
	sa.sa_handler = on_stop; /* no SA_RESTART: poll() must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_NOCLDSTOP; /* a handler, never SIG_IGN: SIG_IGN would auto-reap the child */
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		fail("pipe");
	child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0) {
		close(p[0]);
		report_fd = p[1];
		run_child();
	}
	close(p[1]);

	pid_t tid = 0;
	struct pollfd pf = { p[0], POLLIN, 0 };
	if (poll(&pf, 1, STEP_TIMEOUT_MS) != 1 || read(p[0], &tid, sizeof tid) != sizeof tid)
		fail("child did not report its reader thread");
	close(p[0]);
	if (tid < 0) {
		errno = -tid;
		fail("child could not start reading the device");
	}
	errno = 0;
	if (!wait_state(child, tid, 'D'))
		fail("reader thread never entered D state");
	if (kill(child, SIGKILL) != 0)
		fail("kill");
	errno = 0;
	if (!wait_state(child, child, 'Z'))
		fail("child leader did not become a zombie");
	if (task_state(child, tid) != 'D')
		fail("reader thread left D state after SIGKILL");
	if (try_reap(WNOHANG))
		fail("child was reaped although its thread is stuck");

	printf("{\"fixture\":\"seed-memory-reader\",\"pids\":{\"parent\":%d,\"child\":%d},\"tids\":{\"stuck\":%d},\"device\":\"%s\"}\n",
	       getpid(), child, tid, device);
	fflush(stdout);

	long end = now_ms() + hold_s * 1000L;
	char buf[256];
	while (!stop_signal) {
		long left = end - now_ms();
		if (left <= 0)
			break;
		pf = (struct pollfd){ 0, POLLIN, 0 };
		int r = poll(&pf, 1, left > 1000 ? 1000 : (int)left);
		if (got_sigchld) {
			got_sigchld = 0;
			try_reap(WNOHANG); /* released from outside: the parent is notified only now */
		}
		if (r > 0) {
			ssize_t n = read(0, buf, sizeof buf);
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				break; /* EOF: the harness is done */
		}
	}
	if (release_and_reap() != 0) {
		fprintf(stderr, "seed-memory-reader: child %d still not reaped after releasing %s\n", child, device);
		return 1;
	}
	return 0;
}
