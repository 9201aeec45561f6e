/*
 * A process that writes one byte per page of a WS-MiB anonymous working set,
 * three times over, and prints each pass's time and major faults: the real
 * side of examples/thrashing.ts. Run it with scripts/thrash-real.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: thrash WS_MIB\n"); return 2; }
  size_t ws = (size_t)atol(argv[1]) << 20;
  char *p = mmap(NULL, ws, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 1; }
  madvise(p, ws, MADV_NOHUGEPAGE);
  for (int pass = 0; pass < 3; pass++) {
    struct rusage a, b;
    getrusage(RUSAGE_SELF, &a);
    double t = now();
    for (size_t i = 0; i < ws; i += 4096) p[i] = (char)(pass + 1);
    double w = now() - t;
    getrusage(RUSAGE_SELF, &b);
    printf("ws=%sM pass %d: %.3f s, majflt %ld\n", argv[1], pass, w, b.ru_majflt - a.ru_majflt);
    fflush(stdout);
  }
  return 0;
}
