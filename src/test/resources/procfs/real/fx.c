#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
static void *sleeper(void *a) { (void)a; char b[16]; prctl(PR_SET_NAME, "worker", 0,0,0); while (read(0, b, sizeof b) > 0) {} exit(0); return NULL; }
int main(int argc, char **argv) {
  const char *mode = argv[1];
  if (!strcmp(mode, "vfork")) {
    pid_t c = vfork();
    if (c == 0) { sleep(4); _exit(0); }
    waitpid(c, NULL, 0); return 0;
  }
  if (!strcmp(mode, "ptexit")) {
    pthread_t t; pthread_create(&t, NULL, sleeper, NULL);
    usleep(100000); pthread_exit(NULL);
  }
  if (!strcmp(mode, "comm")) {
    prctl(PR_SET_NAME, argv[2], 0,0,0);
    char b[16]; while (read(0, b, sizeof b) > 0) {} return 0;
  }
  if (!strcmp(mode, "zombie")) {
    prctl(PR_SET_NAME, "reaper-lazy", 0,0,0);
    pid_t c = fork(); if (c == 0) { prctl(PR_SET_NAME, "dead-kid", 0,0,0); _exit(3); }
    printf("%d\n", c); fflush(stdout);
    char b[16]; while (read(0, b, sizeof b) > 0) {}
    waitpid(c, NULL, 0); return 0;
  }
  if (!strcmp(mode, "spin")) { volatile unsigned long x = 0; for (;;) x++; }
  return 2;
}
