/*
 * memoryctl [--device PATH] waiters|release
 *
 * Talks to the `memory` module's ioctls (native-fixtures/module/memory.c):
 *   waiters  prints how many readers sleep in memory_read() now (MEMORY_IOC_WAITERS, _IO('M', 2))
 *   release  wakes every sleeping reader (MEMORY_IOC_RELEASE, _IO('M', 1)); `echo 1 > /dev/memory`
 *            does the same through write()
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MEMORY_IOC_RELEASE _IO('M', 1)
#define MEMORY_IOC_WAITERS _IO('M', 2)

int main(int argc, char **argv)
{
    const char *dev = "/dev/memory";
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "--device")) {
        dev = argv[i + 1];
        i += 2;
    }
    if (i + 1 != argc || (strcmp(argv[i], "waiters") && strcmp(argv[i], "release"))) {
        fprintf(stderr, "usage: memoryctl [--device PATH] waiters|release\n");
        return 2;
    }
    int fd = open(dev, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "memoryctl: %s: %s\n", dev, strerror(errno));
        return 1;
    }
    int r = ioctl(fd, strcmp(argv[i], "waiters") ? MEMORY_IOC_RELEASE : MEMORY_IOC_WAITERS);
    if (r < 0) {
        fprintf(stderr, "memoryctl: %s: %s\n", argv[i], strerror(errno));
        return 1;
    }
    if (!strcmp(argv[i], "waiters")) printf("%d\n", r);
    close(fd);
    return 0;
}
