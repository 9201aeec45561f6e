/*
 * Measures, on the machine it runs on, the event costs that mmsim's clock
 * charges (src/kernel/clock.ts, docs/time-model.md). Build and run:
 *
 *   cc -O2 -o /tmp/measure-costs scripts/measure-costs.c && /tmp/measure-costs [DIR]
 *
 * DIR (default /tmp) must be on the disk whose latency is wanted; a 256 MiB
 * scratch file is written there with O_DIRECT and removed. Prints one
 * `name value` line per figure, in ns, matching the CostModel field names.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static char *anon(size_t len) {
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); exit(1); }
  madvise(p, len, MADV_NOHUGEPAGE); /* 4 KiB faults only */
  return p;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "/tmp";
  const size_t n = 1 << 16, len = n * 4096;
  volatile long sink = 0;

  /* A read fault that maps the zero page: entry, handle_mm_fault, exit. */
  char *p = anon(len);
  double t = now();
  for (size_t i = 0; i < n; i++) sink += p[i * 4096];
  double fault = (now() - t) / n;
  munmap(p, len);

  /* A write fault that allocates and clears a page; minus the bare fault. */
  p = anon(len);
  t = now();
  for (size_t i = 0; i < n; i++) p[i * 4096] = 1;
  double alloc = (now() - t) / n - fault;

  /* Page-stride random accesses over resident memory (no faults). */
  srand(1);
  t = now();
  for (int i = 0; i < 1000000; i++) sink += p[(size_t)(rand() % n) * 4096];
  double access = (now() - t) / 1e6;
  munmap(p, len);

  /* A system call that works on the VMA tree: mprotect of one page. */
  p = anon(1 << 20);
  t = now();
  for (int i = 0; i < 100000; i++) mprotect(p, 4096, (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE);
  double syscall = (now() - t) / 1e5;
  munmap(p, 1 << 20);

  /* The disk, bypassing the page cache. */
  char path[4096];
  snprintf(path, sizeof path, "%s/mmsim-costs.%d", dir, getpid());
  int fd = open(path, O_RDWR | O_CREAT | O_DIRECT, 0600);
  if (fd < 0) { perror(path); return 1; }
  const size_t fsz = 256u << 20;
  char *buf;
  if (posix_memalign((void **)&buf, 4096, 1 << 20)) return 1;
  memset(buf, 3, 1 << 20);
  t = now();
  for (size_t o = 0; o < fsz; o += 1 << 20)
    if (pwrite(fd, buf, 1 << 20, o) < 0) { perror("pwrite"); return 1; }
  fsync(fd);
  double write_page = (now() - t) / (fsz / 4096);
  const int reads = 5000;
  t = now();
  for (int i = 0; i < reads; i++)
    if (pread(fd, buf, 4096, (off_t)(rand() % (fsz / 4096)) * 4096) < 0) { perror("pread"); return 1; }
  double read4k = (now() - t) / reads;
  t = now();
  for (int i = 0; i < reads / 4; i++)
    if (pread(fd, buf, 131072, (off_t)(rand() % (fsz / 131072)) * 131072) < 0) { perror("pread"); return 1; }
  double read128k = (now() - t) / (reads / 4);
  t = now();
  for (int i = 0; i < reads; i++)
    if (pwrite(fd, buf, 4096, (off_t)(rand() % (fsz / 4096)) * 4096) < 0) { perror("pwrite"); return 1; }
  fdatasync(fd);
  double write4k = (now() - t) / reads;
  close(fd);
  unlink(path);

  printf("accessNs %.0f\nfaultNs %.0f\nsyscallNs %.0f\npageAllocNs %.0f\n", access, fault, syscall, alloc);
  printf("readLatencyNs %.0f\nreadPageNs %.0f\nwriteLatencyNs %.0f\nwritePageNs %.0f\n", read4k, (read128k - read4k) / 31,
         write4k, write_page);
  return (int)(sink & 0);
}
