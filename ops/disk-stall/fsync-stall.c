/* Preloaded into PostgreSQL by ops/bench-disk-stall: while the wall clock is before the time (ns
   since the epoch) written in the file named by FSYNC_STALL_UNTIL_FILE, every fsync and fdatasync
   waits until that time, as all of them do when the disk stalls. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long stall_until_ns(void) {
    const char *path = getenv("FSYNC_STALL_UNTIL_FILE");
    if (!path) return 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    char text[32] = {0};
    ssize_t length = read(fd, text, sizeof text - 1);
    close(fd);
    return length > 0 ? atoll(text) : 0;
}

static void wait_out_stall(void) {
    long long until = stall_until_ns();
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (until <= (long long)now.tv_sec * 1000000000LL + now.tv_nsec) return;
    struct timespec end = { .tv_sec = until / 1000000000LL, .tv_nsec = until % 1000000000LL };
    while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &end, NULL) != 0) {}
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    wait_out_stall();
    return real(fd);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    wait_out_stall();
    return real(fd);
}
