/*
 * mmsim-runner: runs a compiled mmsim scenario on the host's real Linux kernel.
 *
 * It reads the line protocol of docs/runner-protocol.md on stdin (written by
 * src/workload/scenario/kernel_runner.ts), executes every operation with the
 * real system call, and writes one record per operation on stdout. The
 * TypeScript side turns the records into the scenario output with the same
 * formatter the simulator uses, so the two outputs can differ only where the
 * kernels differ.
 *
 * What makes the numbers clean:
 * - Fault counts are getrusage() deltas taken only around the scenario's own
 *   system calls and memory accesses. Before any measurement, the runner
 *   prefaults every page it uses itself (code, data, heap, stack, buffers), at
 *   start and again in both processes after every fork, so that no fault of its
 *   own lands inside a measured window and its RSS does not move afterwards.
 * - No malloc, no stdio after the prefault: records go out through one static
 *   buffer with write(2), flushed before every fork and every hand-over.
 * - Processes pass a single token through pipes, so exactly one process runs
 *   (and writes) at a time and the output is in script order.
 *
 * Built by mmsim with the system compiler: cc -std=c11 -O2 -Wl,-z,now. C11 and
 * libc only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROTOCOL_VERSION 1

#define PAGE 4096UL
#define GIB (1UL << 30)
#define SLOT_BASE 0x100000000000UL /* 16 TiB: where scenario mappings start */

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#endif
#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif
/* Advice values from include/uapi/asm-generic/mman-common.h, for old headers. */
#ifndef MADV_FREE
#define MADV_FREE 8
#endif
#ifndef MADV_REMOVE
#define MADV_REMOVE 9
#endif
#ifndef MADV_DONTFORK
#define MADV_DONTFORK 10
#endif
#ifndef MADV_DOFORK
#define MADV_DOFORK 11
#endif
#ifndef MADV_MERGEABLE
#define MADV_MERGEABLE 12
#endif
#ifndef MADV_UNMERGEABLE
#define MADV_UNMERGEABLE 13
#endif
#ifndef MADV_HUGEPAGE
#define MADV_HUGEPAGE 14
#endif
#ifndef MADV_NOHUGEPAGE
#define MADV_NOHUGEPAGE 15
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif
#ifndef MADV_KEEPONFORK
#define MADV_KEEPONFORK 19
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h). */
#define KPF_ANON 12
#define KPF_ZERO_PAGE 24
#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)

/* ---------------------------------------------------------------- protocol */

enum opcode {
  OP_FILE, OP_TRUNCATE, OP_DROPCACHE, OP_UNLINK, OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MADVISE,
  OP_MLOCK, OP_MUNLOCK, OP_MSYNC, OP_MREMAP, OP_TOUCH, OP_PEEK, OP_FPEEK, OP_EXPECT_SEGV,
  OP_SMAPS, OP_STATUS, OP_PAGEMAP, OP_FORK, OP_IN, OP_EXIT, OP_NOP, OP_DIE,
};

struct op {
  int code;
  int line; /* scenario line, for messages */
  int proc; /* process that runs it */
  int map;  /* mapping id, -1 if none */
  const char *path;
  long pages, first, count, step, offset, bytes;
  int prot, shared, populate, noreserve, after, write, value, fill, move, flag, target;
};

struct proc {
  int parent;
  const char *name;
};

/* A named scenario mapping as this process placed it. */
struct mapping {
  int bound;
  unsigned long addr;
  long pages;
  long seq; /* placement order, for the M lines */
};

static int nprocs, nmaps, nops;
static struct proc *procs;
static const char **map_names;
static struct op *ops;

/* ------------------------------------------------------- per-process state */
/* All of it is copied by fork, which is exactly the inheritance we want. */

static int self;                /* index of this process in procs */
static pid_t main_pid;
static int (*pipes)[2];         /* token pipe of each process slot */
static pid_t *pids;             /* pid of each of this process's children */
static unsigned char *live;     /* live[q]: q is a live child of this process */
static struct mapping *maps;
static long place_seq;
static unsigned long next_slot = SLOT_BASE;
static unsigned long scen_hi = SLOT_BASE; /* end of the highest scenario placement */
static long acc_min, acc_maj;   /* faults inside measured windows */
static char baseline[16384];
static size_t baseline_len;

/* --------------------------------------------------------------- output */

static char outbuf[1 << 16];
static size_t outlen;

static void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      _exit(4); /* stdout gone: nobody to tell */
    }
    p += w;
    n -= (size_t)w;
  }
}

static void out_flush(void) {
  write_all(1, outbuf, outlen);
  outlen = 0;
}

static void out_bytes(const char *s, size_t n) {
  while (n > 0) {
    if (outlen == sizeof outbuf) out_flush();
    size_t k = sizeof outbuf - outlen;
    if (k > n) k = n;
    memcpy(outbuf + outlen, s, k);
    outlen += k;
    s += k;
    n -= k;
  }
}

static void out_str(const char *s) { out_bytes(s, strlen(s)); }

static void out_long(long v) {
  char t[24];
  int i = 24;
  unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
  do t[--i] = (char)('0' + u % 10); while ((u /= 10) != 0);
  if (v < 0) t[--i] = '-';
  out_bytes(t + i, (size_t)(24 - i));
}

static void out_hex(unsigned long v) {
  char t[20];
  int i = 20;
  do t[--i] = "0123456789abcdef"[v & 15]; while ((v >>= 4) != 0);
  out_bytes(t + i, (size_t)(20 - i));
}

static void err_str(const char *s) { write_all(2, s, strlen(s)); }

static const char *errname(int e) {
  switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ETXTBSY: return "ETXTBSY";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ELOOP: return "ELOOP";
    case EOVERFLOW: return "EOVERFLOW";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EHWPOISON: return "EHWPOISON";
    case EDQUOT: return "EDQUOT";
    default: return NULL;
  }
}

static void out_errno(int e) {
  const char *n = errname(e);
  if (n) {
    out_str(n);
  } else {
    out_str("errno");
    out_long(e);
  }
}

static void rec_head(int i, const char *kind) {
  out_str("R ");
  out_long(i);
  out_str(" ");
  out_str(kind);
}

static void rec_none(int i) {
  rec_head(i, "none");
  out_str("\n");
}

static void rec_ret(int i, int err) {
  rec_head(i, "ret ");
  if (err == 0) out_str("ok");
  else out_errno(err);
  out_str("\n");
}

/* A blob: the bytes of a /proc file as length-prefixed chunks, then "T 0". */
static void out_chunk(const char *p, size_t n) {
  out_str("T ");
  out_long((long)n);
  out_str("\n");
  out_bytes(p, n);
}

/* -------------------------------------------------- fatal errors and signals */

/* The run cannot go on (a process died, the token protocol broke): the F
 * line written just before says why, and the TypeScript side reports it as a
 * script error. Brings the whole tree down: children die with their parent
 * through PR_SET_PDEATHSIG, so killing main is enough. */
static void give_up(void) {
  out_flush();
  if (getpid() != main_pid) kill(main_pid, SIGKILL);
  _exit(3);
}

static void fatal(const char *a, const char *b, const char *c) {
  out_flush();
  out_str("F ");
  out_str(a);
  if (b) out_str(b);
  if (c) out_str(c);
  out_str("\n");
  give_up();
}

static void proto_error(int lineno, const char *what) {
  char t[24];
  int i = 24;
  unsigned long u = (unsigned long)lineno;
  t[--i] = 0;
  do t[--i] = (char)('0' + u % 10); while ((u /= 10) != 0);
  err_str("mmsim-runner: protocol line ");
  err_str(t + i);
  err_str(": ");
  err_str(what);
  err_str("\n");
  exit(2);
}

static sigjmp_buf guard_jb;
static volatile sig_atomic_t guard_on;
static volatile sig_atomic_t child_event;

static void on_fault(int sig, siginfo_t *si, void *uc) {
  (void)si;
  (void)uc;
  if (guard_on) {
    guard_on = 0;
    siglongjmp(guard_jb, sig);
  }
  /* A fault outside a guarded access is a runner bug: die of it, so that
   * the parent (or mmsim) reports the death. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigaction(sig, &sa, NULL);
}

static void on_child(int sig) {
  (void)sig;
  child_event = 1;
}

static sigset_t wait_mask; /* the normal mask without SIGCHLD, used by ppoll */

static void install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_child;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, NULL);

  /* SIGCHLD stays blocked except while waiting for the token (ppoll), so it
   * never interrupts an operation and cannot be lost between check and wait. */
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &wait_mask);
  sigdelset(&wait_mask, SIGCHLD);
}

/* ------------------------------------------------------------- prefaulting */

struct range {
  unsigned long lo, hi;
  int writable_private;
};
static struct range ranges[4096];
static int nranges;
static char mapsbuf[1 << 16];

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* One line of /proc/self/maps: "lo-hi perms offset dev inode   name". */
static void maps_line(const char *s, size_t n) {
  unsigned long lo = 0, hi = 0;
  size_t i = 0;
  int h;
  while (i < n && (h = hexval(s[i])) >= 0) lo = lo * 16 + (unsigned long)h, i++;
  if (i >= n || s[i] != '-') return;
  i++;
  while (i < n && (h = hexval(s[i])) >= 0) hi = hi * 16 + (unsigned long)h, i++;
  if (i + 5 > n || s[i] != ' ') return;
  const char *perms = s + i + 1;
  /* The name is the 6th field; find it to skip [vvar*] and [vsyscall]. */
  int field = 1;
  size_t j = i + 1;
  while (j < n && field < 5) {
    while (j < n && s[j] != ' ') j++;
    while (j < n && s[j] == ' ') j++;
    field++;
  }
  const char *name = s + j;
  size_t nlen = n - j;
  if (perms[0] != 'r') return;
  if (nlen >= 5 && memcmp(name, "[vvar", 5) == 0) return;
  if (nlen >= 10 && memcmp(name, "[vsyscall]", 10) == 0) return;
  if (lo >= SLOT_BASE && lo < scen_hi) return; /* a scenario mapping: not ours */
  if (nranges == (int)(sizeof ranges / sizeof ranges[0])) return;
  ranges[nranges].lo = lo;
  ranges[nranges].hi = hi;
  ranges[nranges].writable_private = perms[1] == 'w' && perms[3] == 'p';
  nranges++;
}

static void collect_ranges(void) {
  nranges = 0;
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  size_t have = 0;
  for (;;) {
    ssize_t r = read(fd, mapsbuf + have, sizeof mapsbuf - have);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    have += (size_t)r;
    size_t start = 0;
    for (size_t k = 0; k < have; k++) {
      if (mapsbuf[k] == '\n') {
        maps_line(mapsbuf + start, k - start);
        start = k + 1;
      }
    }
    memmove(mapsbuf, mapsbuf + start, have - start);
    have -= start;
    if (have == sizeof mapsbuf) have = 0; /* an absurd line: drop it */
  }
  close(fd);
}

/* Grows the stack VMA by touching a frame much deeper than the runner ever
 * goes, so that later stack use (signal frames included) hits present pages. */
static void __attribute__((noinline)) grow_stack(void) {
  volatile char deep[256 * 1024];
  for (size_t k = 0; k < sizeof deep; k += PAGE) deep[k] = 0;
  deep[sizeof deep - 1] = 0;
}

static volatile unsigned long pf_addr;

/* Makes every page the runner uses present, and private writable ones
 * private (write-touch: after fork they are COW-shared with the other
 * process, and the first write would otherwise fault inside a window). */
static void prefault(void) {
  collect_ranges();
  for (int r = 0; r < nranges; r++) {
    unsigned long hi = ranges[r].hi;
    int w = ranges[r].writable_private;
    pf_addr = ranges[r].lo;
    while (pf_addr < hi) {
      if (sigsetjmp(guard_jb, 1) == 0) {
        guard_on = 1;
        for (; pf_addr < hi; pf_addr += PAGE) {
          volatile char *p = (volatile char *)pf_addr;
          char c = *p;
          if (w) *p = c;
        }
        guard_on = 0;
      } else {
        pf_addr += PAGE; /* unreadable page: leave it */
      }
    }
  }
}

/* ----------------------------------------------------------- measurement */

static inline void faults_now(long *mn, long *mj) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  *mn = ru.ru_minflt;
  *mj = ru.ru_majflt;
}

static long w_min0, w_maj0;

static inline void window_open(void) { faults_now(&w_min0, &w_maj0); }

static inline void window_close(void) {
  long mn, mj;
  faults_now(&mn, &mj);
  acc_min += mn - w_min0;
  acc_maj += mj - w_maj0;
}

/* ------------------------------------------------------------ /proc files */

static char procbuf[1 << 16];

/* Reads a small /proc file whole into buf; returns its length or -1. */
static long read_small(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t n = 0;
  for (;;) {
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
    if (n == cap) break;
  }
  close(fd);
  return (long)n;
}

/* Streams a /proc file into the output as a blob; returns 0 or an errno. */
static int stream_blob(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  for (;;) {
    ssize_t r = read(fd, procbuf, sizeof procbuf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int e = errno;
      close(fd);
      return e;
    }
    if (r == 0) break;
    out_chunk(procbuf, (size_t)r);
  }
  close(fd);
  out_str("T 0\n");
  return 0;
}

static void take_baseline(void) {
  long n = read_small("/proc/self/status", baseline, sizeof baseline);
  baseline_len = n < 0 ? 0 : (size_t)n;
}

/* ------------------------------------------------------------- processes */

enum { MSG_RUN = 1, MSG_EXIT, MSG_REAP, MSG_FINISH, MSG_DONE, MSG_READY };

struct msg {
  int32_t cmd;
  int32_t arg;
};

static void send_msg(int to, int cmd, int arg) {
  struct msg m = {cmd, arg};
  out_flush();
  write_all(pipes[to][1], (const char *)&m, sizeof m);
}

static void describe_death(int st, char *buf) {
  /* buf: at least 64 bytes */
  char num[24];
  int i = 24;
  int v = WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st);
  num[--i] = 0;
  do num[--i] = (char)('0' + v % 10); while ((v /= 10) != 0);
  strcpy(buf, WIFSIGNALED(st) ? "killed by signal " : "exited with status ");
  strcat(buf, num + i);
}

static void died(int q, int st);

/* Reports any child that died without being asked to. */
static void check_children(void) {
  child_event = 0;
  for (int q = 0; q < nprocs; q++) {
    if (!live[q]) continue;
    int st;
    pid_t r = waitpid(pids[q], &st, WNOHANG);
    if (r == pids[q]) {
      live[q] = 0;
      died(q, st);
    }
  }
}

static void died(int q, int st) {
  char why[64];
  describe_death(st, why);
  out_flush();
  out_str("F process '");
  out_str(procs[q].name);
  out_str("' died unexpectedly: ");
  out_str(why);
  out_str("\n");
  give_up();
}

/* Stops child q (it stops its own children first) and reaps it. */
static void stop_child(int q) {
  live[q] = 0;
  send_msg(q, MSG_EXIT, 0);
  int st;
  while (waitpid(pids[q], &st, 0) < 0) {
    if (errno != EINTR) fatal("waitpid failed for process '", procs[q].name, "'");
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) died(q, st);
}

static struct msg wait_msg(void) {
  for (;;) {
    if (child_event) check_children();
    struct pollfd pf = {pipes[self][0], POLLIN, 0};
    int r = ppoll(&pf, 1, NULL, &wait_mask);
    if (r < 0) {
      if (errno == EINTR) continue;
      fatal("ppoll on the token pipe failed", NULL, NULL);
    }
    if (pf.revents & POLLIN) {
      struct msg m;
      ssize_t n = read(pipes[self][0], &m, sizeof m);
      if (n == (ssize_t)sizeof m) return m;
      if (n < 0 && errno == EINTR) continue;
      fatal("short read on the token pipe", NULL, NULL);
    }
  }
}

static void do_exit_self(void) {
  for (int q = nprocs - 1; q > self; q--)
    if (live[q]) stop_child(q);
  out_flush();
  _exit(0);
}

/* main, at the end of the script or after a script error at op `upto`:
 * stops the remaining processes, newest first. Which ones remain follows
 * from the operations that ran: forks add, exits remove a whole subtree. */
static void finish(int upto) {
  unsigned char *alive = calloc((size_t)nprocs, 1); /* heap: the run is over */
  alive[0] = 1;
  for (int i = 0; i < upto; i++) {
    if (ops[i].code == OP_FORK) alive[ops[i].target] = 1;
    if (ops[i].code == OP_EXIT) {
      alive[ops[i].target] = 0;
      for (int q = ops[i].target + 1; q < nprocs; q++)
        if (alive[q] && !alive[procs[q].parent]) alive[q] = 0;
    }
  }
  for (int q = nprocs - 1; q > 0; q--) {
    if (!alive[q]) continue;
    int p = procs[q].parent;
    if (p == 0) {
      stop_child(q);
    } else {
      send_msg(p, MSG_REAP, q);
      struct msg m = wait_msg();
      if (m.cmd != MSG_DONE || m.arg != q) fatal("protocol: unexpected message while stopping processes", NULL, NULL);
    }
  }
  out_flush();
  exit(0);
}

/* The holder reached the end of the script (upto = nops) or an error at op upto. */
static void end_run(int upto) {
  if (self == 0) finish(upto);
  send_msg(0, MSG_FINISH, upto);
}

/* --------------------------------------------------------------- operations */

static struct mapping *need_map(int i, int id) {
  struct mapping *m = &maps[id];
  if (m->bound) return m;
  out_flush();
  rec_head(i, "error mapping '");
  out_str(map_names[id]);
  out_str("' does not exist (its mmap failed)\n");
  return NULL;
}

static unsigned long roundup_gib(unsigned long a) { return (a + GIB - 1) & ~(GIB - 1); }

static void note_placement(unsigned long addr, unsigned long len) {
  if (addr + len > scen_hi) scen_hi = addr + len;
}

static char fillbuf[1 << 16];
static struct iovec iov[1024];

static void rec_error2(int i, const char *a, const char *b, int err) {
  rec_head(i, "error ");
  out_str(a);
  out_str(b);
  out_str(": ");
  out_errno(err);
  out_str("\n");
}

/* file PATH PAGES FILL CHUNK: recreate the file, CHUNK pages per write call. */
static int op_file(int i, struct op *o) {
  if (unlink(o->path) < 0 && errno != ENOENT) {
    rec_error2(i, "file: cannot unlink ", o->path, errno);
    return -1;
  }
  int fd = open(o->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    rec_error2(i, "file: cannot create ", o->path, errno);
    return -1;
  }
  memset(fillbuf, o->fill, sizeof fillbuf);
  unsigned long total = (unsigned long)o->pages * PAGE;
  unsigned long chunk = (unsigned long)o->bytes; /* chunk size in bytes */
  unsigned long done = 0;
  while (done < total) {
    unsigned long want = total - done < chunk ? total - done : chunk;
    /* One writev of `want` bytes: the page cache sees one write of that size. */
    int n = 0;
    unsigned long left = want;
    while (left > 0 && n < 1024) {
      unsigned long k = left < sizeof fillbuf ? left : sizeof fillbuf;
      iov[n].iov_base = fillbuf;
      iov[n].iov_len = k;
      left -= k;
      n++;
    }
    ssize_t w = writev(fd, iov, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int e = w < 0 ? errno : EIO;
      close(fd);
      rec_error2(i, "file: cannot write ", o->path, e);
      return -1;
    }
    done += (unsigned long)w;
  }
  if (fsync(fd) < 0) {
    int e = errno;
    close(fd);
    rec_error2(i, "file: fsync failed on ", o->path, e);
    return -1;
  }
  close(fd);
  rec_none(i);
  return 0;
}

static int op_dropcache(int i, struct op *o) {
  int fd = open(o->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    rec_error2(i, "dropcache: cannot open ", o->path, errno);
    return -1;
  }
  fsync(fd);
  int e = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
  if (e != 0) {
    rec_error2(i, "dropcache: posix_fadvise failed on ", o->path, e);
    return -1;
  }
  rec_none(i);
  return 0;
}

static int op_mmap(int i, struct op *o) {
  unsigned long addr;
  unsigned long len = (unsigned long)o->pages * PAGE;
  if (o->after >= 0) {
    struct mapping *x = need_map(i, o->after);
    if (!x) return -1;
    addr = x->addr + (unsigned long)x->pages * PAGE;
  } else {
    addr = next_slot;
    next_slot = roundup_gib(addr + len) + GIB;
  }
  /* A failed mmap leaves the name unbound, whatever it named before. */
  maps[o->map].bound = 0;
  int fd = -1;
  int flags = MAP_FIXED_NOREPLACE | (o->shared ? MAP_SHARED : MAP_PRIVATE);
  if (o->path) {
    /* Write access only where the first mapping needs it: a shared mapping
     * of a read-only fd has no VM_MAYWRITE, as with a real program. */
    int want_write = o->shared && (o->prot & PROT_WRITE);
    fd = open(o->path, (want_write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
      rec_ret(i, errno);
      return 0;
    }
  } else {
    flags |= MAP_ANONYMOUS;
  }
  if (o->populate) flags |= MAP_POPULATE;
  if (o->noreserve) flags |= MAP_NORESERVE;
  off_t off = (off_t)o->offset * (off_t)PAGE;

  window_open();
  void *p = mmap((void *)addr, len, o->prot, flags, fd, off);
  int err = p == MAP_FAILED ? errno : 0;
  window_close();

  if (fd >= 0) close(fd);
  if (err == 0 && (unsigned long)p != addr) {
    munmap(p, len);
    fatal("the kernel ignored MAP_FIXED_NOREPLACE (Linux 4.17 or later is needed)", NULL, NULL);
  }
  if (err == 0) {
    maps[o->map].bound = 1;
    maps[o->map].addr = addr;
    maps[o->map].pages = o->pages;
    maps[o->map].seq = ++place_seq;
    note_placement(addr, len);
  }
  rec_ret(i, err);
  return 0;
}

static int op_range(int i, struct op *o) {
  struct mapping *m = need_map(i, o->map);
  if (!m) return -1;
  void *a = (void *)(m->addr + (unsigned long)o->first * PAGE);
  size_t len = (size_t)o->count * PAGE;
  int r;
  window_open();
  switch (o->code) {
    case OP_MUNMAP: r = munmap(a, len); break;
    case OP_MPROTECT: r = mprotect(a, len, o->prot); break;
    case OP_MADVISE: r = madvise(a, len, o->flag); break;
    case OP_MLOCK: r = mlock(a, len); break;
    case OP_MUNLOCK: r = munlock(a, len); break;
    default: r = msync(a, len, o->flag); break;
  }
  int err = r < 0 ? errno : 0;
  window_close();
  rec_ret(i, err);
  return 0;
}

static int op_mremap(int i, struct op *o) {
  struct mapping *m = need_map(i, o->map);
  if (!m) return -1;
  unsigned long oldlen = (unsigned long)m->pages * PAGE;
  unsigned long newlen = (unsigned long)o->pages * PAGE;
  void *p;
  unsigned long target = 0;
  if (o->move) {
    target = next_slot;
    next_slot = roundup_gib(target + newlen) + GIB;
  }
  window_open();
  if (o->move)
    p = mremap((void *)m->addr, oldlen, newlen, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)target);
  else
    p = mremap((void *)m->addr, oldlen, newlen, 0);
  int err = p == MAP_FAILED ? errno : 0;
  window_close();
  if (err == 0) {
    m->addr = (unsigned long)p;
    m->pages = o->pages;
    if (o->move) m->seq = ++place_seq;
    note_placement(m->addr, newlen);
  }
  rec_ret(i, err);
  return 0;
}

/* Guarded accesses. The loop state lives in statics so that it survives the
 * siglongjmp out of the fault handler. */
static volatile long g_page;
static unsigned char vals[1 << 16];

static int op_touch(int i, struct op *o) {
  struct mapping *m = need_map(i, o->map);
  if (!m) return -1;
  volatile unsigned char *base = (volatile unsigned char *)m->addr;
  long end = o->first + o->count;
  long step = o->step;
  unsigned char v = (unsigned char)o->value;
  int sig = sigsetjmp(guard_jb, 1);
  if (sig == 0) {
    window_open();
    guard_on = 1;
    if (o->write) {
      for (g_page = o->first; g_page < end; g_page += step) base[(unsigned long)g_page * PAGE] = v;
    } else {
      for (g_page = o->first; g_page < end; g_page += step) (void)base[(unsigned long)g_page * PAGE];
    }
    guard_on = 0;
  }
  window_close();
  if (sig != 0) {
    rec_head(i, sig == SIGBUS ? "signal SIGBUS " : "signal SIGSEGV ");
    out_long(g_page);
    out_str("\n");
  } else {
    rec_none(i);
  }
  return 0;
}

/* peek: the first byte of each page, in batches so that the value buffer
 * stays small; each batch is one measured window. */
static int op_peek(int i, struct op *o) {
  struct mapping *m = need_map(i, o->map);
  if (!m) return -1;
  volatile unsigned char *base = (volatile unsigned char *)m->addr;
  long end = o->first + o->count;
  for (long b = o->first; b < end; b += (long)sizeof vals) {
    long bend = end - b < (long)sizeof vals ? end : b + (long)sizeof vals;
    int sig = sigsetjmp(guard_jb, 1);
    if (sig == 0) {
      window_open();
      guard_on = 1;
      for (g_page = b; g_page < bend; g_page++) vals[g_page - b] = base[(unsigned long)g_page * PAGE];
      guard_on = 0;
    }
    window_close();
    if (sig != 0) {
      rec_head(i, sig == SIGBUS ? "signal SIGBUS " : "signal SIGSEGV ");
      out_long(g_page);
      out_str("\n");
      return 0;
    }
    out_str("+");
    for (long k = 0; k < bend - b;) {
      long j = k + 1;
      while (j < bend - b && vals[j] == vals[k]) j++;
      out_str(" ");
      out_long(vals[k]);
      out_str("*");
      out_long(j - k);
      k = j;
    }
    out_str("\n");
  }
  rec_head(i, "values\n");
  return 0;
}

static int op_fpeek(int i, struct op *o) {
  int fd = open(o->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    rec_head(i, "errno ");
    out_errno(errno);
    out_str("\n");
    return 0;
  }
  long end = o->first + o->count;
  long run_v = 0, run_n = 0;
  long col = 0;
  for (long p = o->first; p < end; p++) {
    unsigned char c;
    ssize_t r = pread(fd, &c, 1, (off_t)p * (off_t)PAGE);
    if (r < 0 && errno == EINTR) {
      p--;
      continue;
    }
    if (r < 0) {
      int e = errno;
      close(fd);
      if (col) out_str("\n");
      rec_head(i, "errno ");
      out_errno(e);
      out_str("\n");
      return 0;
    }
    long v = r == 0 ? -1 : c;
    if (run_n > 0 && v == run_v) {
      run_n++;
      continue;
    }
    if (run_n > 0) {
      if (col == 0) out_str("+");
      out_str(" ");
      out_long(run_v);
      out_str("*");
      out_long(run_n);
      if (++col == 256) out_str("\n"), col = 0;
    }
    run_v = v;
    run_n = 1;
  }
  close(fd);
  if (run_n > 0) {
    if (col == 0) out_str("+");
    out_str(" ");
    out_long(run_v);
    out_str("*");
    out_long(run_n);
    col++;
  }
  if (col) out_str("\n");
  rec_head(i, "values\n");
  return 0;
}

static int op_expect_segv(int i, struct op *o) {
  struct mapping *m = need_map(i, o->map);
  if (!m) return -1;
  volatile unsigned char *p = (volatile unsigned char *)(m->addr + (unsigned long)o->first * PAGE);
  int sig = sigsetjmp(guard_jb, 1);
  if (sig == 0) {
    window_open();
    guard_on = 1;
    if (o->write) *p = 0x5a;
    else (void)*p;
    guard_on = 0;
  }
  window_close();
  if (sig == 0) {
    rec_head(i, "ok\n");
  } else {
    rec_head(i, sig == SIGBUS ? "signal SIGBUS " : "signal SIGSEGV ");
    out_long(o->first);
    out_str("\n");
  }
  return 0;
}

static int op_smaps(int i) {
  long n = 0;
  for (int k = 0; k < nmaps; k++) n += maps[k].bound;
  rec_head(i, "smaps ");
  out_long(acc_min);
  out_str(" ");
  out_long(acc_maj);
  out_str(" ");
  out_long(n);
  out_str("\n");
  /* In placement order: the formatter gives a VMA to the latest placed
   * mapping that contains its start. */
  long last = 0;
  for (long c = 0; c < n; c++) {
    int best = -1;
    for (int k = 0; k < nmaps; k++)
      if (maps[k].bound && maps[k].seq > last && (best < 0 || maps[k].seq < maps[best].seq)) best = k;
    last = maps[best].seq;
    out_str("M ");
    out_long(best);
    out_str(" ");
    out_hex(maps[best].addr);
    out_str(" ");
    out_long(maps[best].pages);
    out_str("\n");
  }
  int e = stream_blob("/proc/self/smaps");
  if (e != 0) fatal("cannot read /proc/self/smaps: ", errname(e), NULL);
  return 0;
}

static int op_status(int i) {
  long n = read_small("/proc/self/status", procbuf, sizeof procbuf);
  if (n < 0) fatal("cannot read /proc/self/status", NULL, NULL);
  rec_head(i, "status\n");
  out_chunk(procbuf, (size_t)n);
  out_str("T 0\n");
  out_chunk(baseline, baseline_len);
  out_str("T 0\n");
  return 0;
}

static uint64_t pm_entries[4096];

static int op_pagemap(int i, struct op *o) {
  struct mapping *m = need_map(i, o->map);
  if (!m) return -1;
  const char *kf_path = getenv("MMSIM_RUNNER_KPAGEFLAGS");
  if (!kf_path) kf_path = "/proc/kpageflags";
  int fpm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  int fkf = open(kf_path, O_RDONLY | O_CLOEXEC);
  int fkc = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
  if (fpm < 0 || fkf < 0 || fkc < 0) {
    int e = errno;
    const char *which = fpm < 0 ? "/proc/self/pagemap" : fkf < 0 ? kf_path : "/proc/kpagecount";
    if (fpm >= 0) close(fpm);
    if (fkf >= 0) close(fkf);
    if (fkc >= 0) close(fkc);
    rec_head(i, "error pagemap needs root (CAP_SYS_ADMIN) to read physical page flags: cannot open ");
    out_str(which);
    out_str(": ");
    out_errno(e);
    out_str("\n");
    return -1;
  }
  const long batch = (long)(sizeof pm_entries / sizeof pm_entries[0]);
  long end = o->first + o->count;
  int err = 0;
  const char *what = NULL;
  for (long b = o->first; b < end && !err; b += batch) {
    long n = end - b < batch ? end - b : batch;
    off_t off = (off_t)((m->addr / PAGE + (unsigned long)b) * 8);
    ssize_t r = pread(fpm, pm_entries, (size_t)n * 8, off);
    if (r != (ssize_t)(n * 8)) {
      err = r < 0 ? errno : EIO;
      what = "/proc/self/pagemap";
      break;
    }
    out_str("+ ");
    for (long k = 0; k < n; k++) {
      uint64_t e = pm_entries[k];
      char c = '.';
      if (e & PM_PRESENT) {
        uint64_t pfn = e & PM_PFN_MASK;
        uint64_t flags = 0, count = 0;
        if (pfn == 0) {
          err = EPERM;
          what = "/proc/self/pagemap (page frame numbers are hidden)";
          break;
        }
        if (pread(fkf, &flags, 8, (off_t)(pfn * 8)) != 8) {
          err = errno ? errno : EIO;
          what = kf_path;
          break;
        }
        if (pread(fkc, &count, 8, (off_t)(pfn * 8)) != 8) {
          err = errno ? errno : EIO;
          what = "/proc/kpagecount";
          break;
        }
        if (flags & (1ULL << KPF_ZERO_PAGE)) c = 'z';
        else if (flags & (1ULL << KPF_ANON)) c = count > 1 ? 'A' : 'a';
        else c = count > 1 ? 'F' : 'f';
      }
      out_bytes(&c, 1);
    }
    out_str("\n");
  }
  close(fpm);
  close(fkf);
  close(fkc);
  if (err) {
    rec_head(i, "error pagemap needs root (CAP_SYS_ADMIN) to read physical page flags: cannot read ");
    out_str(what);
    out_str(": ");
    out_errno(err);
    out_str("\n");
    return -1;
  }
  rec_head(i, "pagemap\n");
  return 0;
}

static void child_main(int c);

static int op_fork(int i, struct op *o) {
  out_flush(); /* or the child would print it a second time */
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    rec_error2(i, "fork failed", "", errno);
    return -1;
  }
  if (pid == 0) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent) _exit(5);
    child_main(o->target);
    _exit(0); /* not reached */
  }
  pids[o->target] = pid;
  live[o->target] = 1;
  prefault();
  /* Wait until the child has prefaulted and taken its baseline: exactly one
   * process of the tree runs at any time, so nothing it does (COW copies,
   * LRU batches) interleaves with the parent's measured operations. */
  struct msg m = wait_msg();
  if (m.cmd != MSG_READY || m.arg != o->target) fatal("protocol: expected the new child to report ready", NULL, NULL);
  rec_none(i);
  return 0;
}

static void serve(void);

/* Runs operations from index `from` while this process holds the token. */
static void run_ops(int from) {
  for (int i = from; i < nops; i++) {
    struct op *o = &ops[i];
    if (o->proc != self) fatal("protocol: operation for process '", procs[o->proc].name, "' reached another process");
    int r = 0;
    switch (o->code) {
      case OP_FILE: r = op_file(i, o); break;
      case OP_TRUNCATE:
        if (truncate(o->path, (off_t)o->bytes) < 0) {
          rec_error2(i, "truncate: cannot truncate ", o->path, errno);
          r = -1;
        } else {
          rec_none(i);
        }
        break;
      case OP_DROPCACHE: r = op_dropcache(i, o); break;
      case OP_UNLINK:
        if (unlink(o->path) < 0) {
          rec_error2(i, "unlink: cannot unlink ", o->path, errno);
          r = -1;
        } else {
          rec_none(i);
        }
        break;
      case OP_MMAP: r = op_mmap(i, o); break;
      case OP_MUNMAP:
      case OP_MPROTECT:
      case OP_MADVISE:
      case OP_MLOCK:
      case OP_MUNLOCK:
      case OP_MSYNC: r = op_range(i, o); break;
      case OP_MREMAP: r = op_mremap(i, o); break;
      case OP_TOUCH: r = op_touch(i, o); break;
      case OP_PEEK: r = op_peek(i, o); break;
      case OP_FPEEK: r = op_fpeek(i, o); break;
      case OP_EXPECT_SEGV: r = op_expect_segv(i, o); break;
      case OP_SMAPS: r = op_smaps(i); break;
      case OP_STATUS: r = op_status(i); break;
      case OP_PAGEMAP: r = op_pagemap(i, o); break;
      case OP_FORK: r = op_fork(i, o); break;
      case OP_IN:
        rec_none(i);
        if (o->target != self) {
          send_msg(o->target, MSG_RUN, i + 1);
          return;
        }
        break;
      case OP_EXIT:
        stop_child(o->target);
        rec_none(i);
        break;
      case OP_NOP: rec_none(i); break;
      case OP_DIE:
        out_flush();
        kill(getpid(), o->flag);
        pause();
        break;
    }
    if (r < 0) {
      end_run(i);
      return;
    }
  }
  end_run(nops);
}

static void serve(void) {
  for (;;) {
    struct msg m = wait_msg();
    switch (m.cmd) {
      case MSG_RUN: run_ops(m.arg); break;
      case MSG_EXIT: do_exit_self(); break;
      case MSG_REAP:
        stop_child(m.arg);
        send_msg(0, MSG_DONE, m.arg);
        break;
      case MSG_FINISH:
        if (self == 0) finish(m.arg);
        /* fallthrough */
      default: fatal("protocol: unexpected token message", NULL, NULL);
    }
  }
}

static void child_main(int c) {
  self = c;
  memset(live, 0, (size_t)nprocs);
  acc_min = acc_maj = 0;
  prefault();
  take_baseline();
  send_msg(procs[c].parent, MSG_READY, c);
  serve();
}

/* Runs the whole tree on the CPU it started on. Per-CPU state decides some
 * visible outcomes (a folio still in a per-CPU LRU batch cannot be isolated
 * by MADV_PAGEOUT, MADV_FREE pages show as LazyFree only once their batch is
 * drained, and drains are CPU-local), so one CPU makes them reproducible. */
static void pin_cpu(void) {
  int cpu = sched_getcpu();
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
}

/* ------------------------------------------------------- protocol parsing */

static char *input;
static size_t input_len;

static void read_input(void) {
  size_t cap = 1 << 16;
  input = malloc(cap + 1);
  for (;;) {
    if (input_len == cap) {
      cap *= 2;
      input = realloc(input, cap + 1);
    }
    ssize_t r = read(0, input + input_len, cap - input_len);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      err_str("mmsim-runner: cannot read the protocol on stdin\n");
      exit(2);
    }
    if (r == 0) break;
    input_len += (size_t)r;
  }
  input[input_len] = 0;
}

#define MAXTOK 16
static char *tok[MAXTOK];
static int ntok;
static char *cursor;
static int lineno;

/* Splits the next line into tok[]; returns 0 at end of input. */
static int next_line(void) {
  if (!cursor || !*cursor) return 0;
  char *line = cursor;
  char *nl = strchr(line, '\n');
  if (nl) {
    *nl = 0;
    cursor = nl + 1;
  } else {
    cursor = line + strlen(line);
  }
  lineno++;
  ntok = 0;
  char *s = line;
  for (;;) {
    while (*s == ' ') s++;
    if (!*s) break;
    if (ntok == MAXTOK) proto_error(lineno, "too many fields");
    tok[ntok++] = s;
    while (*s && *s != ' ') s++;
    if (*s) *s++ = 0;
  }
  return 1;
}

static long num(int k, long lo, long hi) {
  if (k >= ntok) proto_error(lineno, "missing field");
  char *e;
  errno = 0;
  long v = strtol(tok[k], &e, 10);
  if (errno || *e || e == tok[k] || v < lo || v > hi) proto_error(lineno, "bad number");
  return v;
}

static void expect(const char *word, int fields) {
  if (!next_line() || ntok != fields || strcmp(tok[0], word) != 0) proto_error(lineno, word);
}

static const struct {
  const char *name;
  int value;
} ADVICES[] = {
    {"normal", MADV_NORMAL},       {"random", MADV_RANDOM},
    {"sequential", MADV_SEQUENTIAL}, {"willneed", MADV_WILLNEED},
    {"dontneed", MADV_DONTNEED},   {"free", MADV_FREE},
    {"remove", MADV_REMOVE},       {"dontfork", MADV_DONTFORK},
    {"dofork", MADV_DOFORK},       {"wipeonfork", MADV_WIPEONFORK},
    {"keeponfork", MADV_KEEPONFORK}, {"hugepage", MADV_HUGEPAGE},
    {"nohugepage", MADV_NOHUGEPAGE}, {"mergeable", MADV_MERGEABLE},
    {"unmergeable", MADV_UNMERGEABLE}, {"cold", MADV_COLD},
    {"pageout", MADV_PAGEOUT},     {"populate_read", MADV_POPULATE_READ},
    {"populate_write", MADV_POPULATE_WRITE}, {"collapse", MADV_COLLAPSE},
};

static const struct {
  const char *name;
  int code;
  int nargs; /* fields after LINE PROC NAME; -1 = variable */
} OPS[] = {
    {"file", OP_FILE, 4},         {"truncate", OP_TRUNCATE, 2}, {"dropcache", OP_DROPCACHE, 1},
    {"unlink", OP_UNLINK, 1},     {"mmap", OP_MMAP, -1},        {"munmap", OP_MUNMAP, 3},
    {"mprotect", OP_MPROTECT, 4}, {"madvise", OP_MADVISE, 4},   {"mlock", OP_MLOCK, 3},
    {"munlock", OP_MUNLOCK, 3},   {"msync", OP_MSYNC, 4},       {"mremap", OP_MREMAP, 3},
    {"touch", OP_TOUCH, 6},       {"peek", OP_PEEK, 3},         {"fpeek", OP_FPEEK, 3},
    {"expect_segv", OP_EXPECT_SEGV, 3}, {"smaps", OP_SMAPS, 0}, {"status", OP_STATUS, 0},
    {"pagemap", OP_PAGEMAP, 3},   {"fork", OP_FORK, 1},         {"in", OP_IN, 1},
    {"exit", OP_EXIT, 1},         {"nop", OP_NOP, 0},           {"die", OP_DIE, 1},
};

#define BIG 0x7fffffffffffL

static void parse_op(struct op *o) {
  if (!next_line() || ntok < 3) proto_error(lineno, "expected an operation");
  memset(o, 0, sizeof *o);
  o->map = -1;
  o->after = -1;
  o->line = (int)num(0, 0, 0x7fffffff);
  o->proc = (int)num(1, 0, nprocs - 1);
  int k = -1;
  for (size_t j = 0; j < sizeof OPS / sizeof OPS[0]; j++)
    if (strcmp(tok[2], OPS[j].name) == 0) k = (int)j;
  if (k < 0) proto_error(lineno, "unknown operation");
  o->code = OPS[k].code;
  if (OPS[k].nargs >= 0 && ntok != 3 + OPS[k].nargs) proto_error(lineno, "wrong number of fields");
  switch (o->code) {
    case OP_FILE:
      o->path = tok[3];
      o->pages = num(4, 0, BIG);
      o->fill = (int)num(5, 0, 255);
      o->bytes = num(6, 1, BIG) * (long)PAGE;
      break;
    case OP_TRUNCATE:
      o->path = tok[3];
      o->bytes = num(4, 0, 0x7fffffffffffffffL);
      break;
    case OP_DROPCACHE:
    case OP_UNLINK: o->path = tok[3]; break;
    case OP_MMAP:
      /* mmap MAP PAGES PROT SHARED POPULATE NORESERVE OFFSET AFTER anon|file PATH */
      if (ntok < 12) proto_error(lineno, "mmap: missing fields");
      o->map = (int)num(3, 0, nmaps - 1);
      o->pages = num(4, 0, BIG);
      o->prot = (int)num(5, 0, 7);
      o->shared = (int)num(6, 0, 1);
      o->populate = (int)num(7, 0, 1);
      o->noreserve = (int)num(8, 0, 1);
      o->offset = num(9, 0, BIG);
      o->after = (int)num(10, -1, nmaps - 1);
      if (strcmp(tok[11], "anon") == 0 && ntok == 12) o->path = NULL;
      else if (strcmp(tok[11], "file") == 0 && ntok == 13) o->path = tok[12];
      else proto_error(lineno, "mmap: expected anon or file PATH");
      break;
    case OP_MUNMAP:
    case OP_MLOCK:
    case OP_MUNLOCK:
    case OP_PEEK:
    case OP_PAGEMAP:
      o->map = (int)num(3, 0, nmaps - 1);
      o->first = num(4, 0, BIG);
      o->count = num(5, 0, BIG);
      break;
    case OP_MPROTECT:
      o->map = (int)num(3, 0, nmaps - 1);
      o->first = num(4, 0, BIG);
      o->count = num(5, 0, BIG);
      o->prot = (int)num(6, 0, 7);
      break;
    case OP_MADVISE: {
      o->map = (int)num(3, 0, nmaps - 1);
      o->first = num(4, 0, BIG);
      o->count = num(5, 0, BIG);
      int found = 0;
      for (size_t j = 0; j < sizeof ADVICES / sizeof ADVICES[0]; j++)
        if (strcmp(tok[6], ADVICES[j].name) == 0) o->flag = ADVICES[j].value, found = 1;
      if (!found) proto_error(lineno, "madvise: unknown advice");
      break;
    }
    case OP_MSYNC:
      o->map = (int)num(3, 0, nmaps - 1);
      o->first = num(4, 0, BIG);
      o->count = num(5, 0, BIG);
      if (strcmp(tok[6], "sync") == 0) o->flag = MS_SYNC;
      else if (strcmp(tok[6], "async") == 0) o->flag = MS_ASYNC;
      else if (strcmp(tok[6], "invalidate") == 0) o->flag = MS_INVALIDATE;
      else proto_error(lineno, "msync: expected sync, async or invalidate");
      break;
    case OP_MREMAP:
      o->map = (int)num(3, 0, nmaps - 1);
      o->pages = num(4, 0, BIG);
      o->move = (int)num(5, 0, 1);
      break;
    case OP_TOUCH:
      o->map = (int)num(3, 0, nmaps - 1);
      o->first = num(4, 0, BIG);
      o->count = num(5, 0, BIG);
      o->write = (int)num(6, 0, 1);
      o->value = (int)num(7, 0, 255);
      o->step = num(8, 1, BIG);
      break;
    case OP_FPEEK:
      o->path = tok[3];
      o->first = num(4, 0, BIG);
      o->count = num(5, 0, BIG);
      break;
    case OP_EXPECT_SEGV:
      o->map = (int)num(3, 0, nmaps - 1);
      o->first = num(4, 0, BIG);
      o->write = (int)num(5, 0, 1);
      break;
    case OP_FORK:
    case OP_IN:
    case OP_EXIT: o->target = (int)num(3, 0, nprocs - 1); break;
    case OP_DIE: o->flag = (int)num(3, 1, 64); break;
    default: break;
  }
}

static void parse_input(void) {
  cursor = input;
  expect("mmsim-runner", 2);
  if (num(1, 0, 1000) != PROTOCOL_VERSION) proto_error(lineno, "unsupported protocol version");
  expect("procs", 2);
  nprocs = (int)num(1, 1, 4096);
  procs = calloc((size_t)nprocs, sizeof *procs);
  for (int q = 0; q < nprocs; q++) {
    expect("proc", 4);
    if (num(1, q, q) != q) proto_error(lineno, "proc out of order");
    procs[q].parent = (int)num(2, -1, q - 1);
    procs[q].name = tok[3];
    if ((q == 0) != (procs[q].parent < 0)) proto_error(lineno, "only process 0 has no parent");
  }
  expect("maps", 2);
  nmaps = (int)num(1, 0, 1 << 20);
  map_names = calloc((size_t)nmaps + 1, sizeof *map_names);
  for (int k = 0; k < nmaps; k++) {
    expect("map", 3);
    if (num(1, k, k) != k) proto_error(lineno, "map out of order");
    map_names[k] = tok[2];
  }
  expect("ops", 2);
  nops = (int)num(1, 0, 1 << 24);
  ops = calloc((size_t)nops + 1, sizeof *ops);
  for (int i = 0; i < nops; i++) parse_op(&ops[i]);
  expect("end", 1);
  /* Static sanity: forks name their child slot, whose parent is the forker. */
  for (int i = 0; i < nops; i++) {
    if ((ops[i].code == OP_FORK || ops[i].code == OP_EXIT) && procs[ops[i].target].parent != ops[i].proc)
      proto_error(lineno - nops + i, "fork/exit of a process that is not a child of the executing one");
  }
}

int main(void) {
  read_input();
  parse_input();
  main_pid = getpid();
  self = 0;
  pipes = calloc((size_t)nprocs, sizeof *pipes);
  for (int q = 0; q < nprocs; q++) {
    if (pipe2(pipes[q], O_CLOEXEC) < 0) {
      err_str("mmsim-runner: cannot create the token pipes\n");
      return 2;
    }
  }
  pids = calloc((size_t)nprocs, sizeof *pids);
  live = calloc((size_t)nprocs, 1);
  maps = calloc((size_t)nmaps + 1, sizeof *maps);
  umask(022);
  pin_cpu();
  install_signals();
  grow_stack();
  prefault();
  take_baseline();
  run_ops(0);
  serve();
  return 0;
}
