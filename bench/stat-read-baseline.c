/*
 * stat-read-baseline: the least work a full task scan can do, as a yardstick for limbo.
 *
 * List /proc, list each process's task/ directory, and do one read() of each task's stat
 * (openat relative to the directory fds, one 1 KiB buffer reused, nothing parsed or kept).
 *
 *   stat-read-baseline [--repeat K] [PROC_ROOT]
 *
 * Prints one line per pass on stdout: "tasks=N bytes=B ns=T cpu_ns=C": the pass's wall time
 * (CLOCK_MONOTONIC) and CPU time (user+sys), excluding process start-up. Exit 0, or 1 if PROC_ROOT cannot be opened.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int numeric(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    const char *root = "/proc";
    long repeat = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = strtol(argv[++i], NULL, 10);
        else
            root = argv[i];
    }
    if (repeat < 1)
        repeat = 1;

    char buf[1024];
    for (long r = 0; r < repeat; r++) {
        long long t0 = now_ns(), c0 = cpu_ns();
        long tasks = 0, bytes = 0;
        DIR *proc = opendir(root);
        if (!proc) {
            fprintf(stderr, "stat-read-baseline: cannot open %s\n", root);
            return 1;
        }
        int procfd = dirfd(proc);
        struct dirent *pe;
        while ((pe = readdir(proc)) != NULL) {
            if (!numeric(pe->d_name))
                continue;
            char path[300];
            snprintf(path, sizeof path, "%s/task", pe->d_name);
            int tfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (tfd < 0)
                continue; /* gone */
            DIR *task = fdopendir(tfd);
            if (!task) {
                close(tfd);
                continue;
            }
            struct dirent *te;
            while ((te = readdir(task)) != NULL) {
                if (!numeric(te->d_name))
                    continue;
                char sp[300];
                snprintf(sp, sizeof sp, "%s/stat", te->d_name);
                int fd = openat(tfd, sp, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                    continue; /* gone */
                ssize_t n = read(fd, buf, sizeof buf);
                close(fd);
                if (n > 0) {
                    tasks++;
                    bytes += n;
                }
            }
            closedir(task);
        }
        closedir(proc);
        long long t1 = now_ns(), c1 = cpu_ns();
        printf("tasks=%ld bytes=%ld ns=%lld cpu_ns=%lld\n", tasks, bytes, t1 - t0, c1 - c0);
    }
    return 0;
}
