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
 * Processes: the runner's first process is the supervisor. It forks the
 * scenario's `main`, which forks the other scenario processes as the script
 * says. The supervisor runs no operation: it passes the token, writes every
 * record to stdout, watches every scenario process through a pidfd, tells an
 * OOM kill (the kernel log's "Killed process PID") from any other death,
 * carries on the script for a process killed while it held the token, and
 * at the end (or on a failure, a timeout or a signal) stops the processes
 * and undoes what the run changed on the host: swap files, memory cgroups,
 * sysctls. Records are written by the scenario processes into a shared
 * buffer and count only once complete, so a process killed in the middle of
 * one leaves no half record behind.
 *
 * What makes the numbers clean:
 * - Fault counts are getrusage() deltas taken only around the scenario's own
 *   system calls and memory accesses. Before any measurement, the runner
 *   prefaults every page it uses itself (code, data, heap, stack, buffers), at
 *   start and again in both processes after every fork, so that no fault of its
 *   own lands inside a measured window and its RSS does not move afterwards.
 * - No malloc, no stdio after the prefault.
 * - Processes pass a single token, so exactly one process runs at a time and
 *   the output is in script order.
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
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROTOCOL_VERSION 3

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

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif
/* swapon(2) flags, include/linux/swap.h */
#ifndef SWAP_FLAG_PREFER
#define SWAP_FLAG_PREFER 0x8000
#endif
#ifndef SWAP_FLAG_PRIO_MASK
#define SWAP_FLAG_PRIO_MASK 0x7fff
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
  OP_SWAPON, OP_SWAPOFF, OP_SYSCTL, OP_CGROUP, OP_JOIN, OP_OOM_ADJ, OP_OOM_SCORE, OP_CGSTAT,
  OP_EVENTS, OP_SLEEP, OP_HUGEPAGES, OP_SYSFS,
};

struct op {
  int code;
  int line; /* scenario line, for messages */
  int proc; /* process that runs it */
  int map;  /* mapping id, -1 if none */
  const char *path;
  long pages, first, count, step, offset, bytes;
  int prot, shared, populate, noreserve, hugetlb, after, write, value, fill, move, flag, target;
  int cg;                 /* cgroup id (cgroup, join, cgstat) */
  long limit, memsw;      /* cgroup: pages; memsw -1 = unlimited */
  int swappiness;         /* cgroup: -1 = follow vm.swappiness */
  int nkv;                /* sysctl: pairs in keys[]/vals[] */
  int *keys;              /* sysctl: indices in SYSCTLS */
  long *vals;
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

static int nprocs, nmaps, nops, ncgroups;
static struct proc *procs;
static const char **map_names;
static const char **cg_names;
static struct op *ops;

/* The run's settings (protocol header). */
static long timeout_ms = 120000;
static int pressure;            /* version-2 run: machine cgroup, swap, OOM kills */
static long machine_limit = -1; /* bytes; -1 = none */
static long machine_swap_pages; /* the machine's swap file, header page included; 0 = none */

/* The vm sysctls a scenario may write (never panic_on_oom), then the
 * /sys/kernel/mm files of `sysfs` (the names with a slash). */
static const char *const SYSCTLS[] = {
    "swappiness", "overcommit_memory", "overcommit_ratio", "overcommit_kbytes", "min_free_kbytes",
    "watermark_scale_factor", "page-cluster", "oom_kill_allocating_task", "dirty_ratio",
    "dirty_background_ratio", "dirty_expire_centisecs", "dirty_writeback_centisecs", "drop_caches",
    "nr_hugepages", "nr_overcommit_hugepages",
    "hugepages/hugepages-2048kB/nr_hugepages", "hugepages/hugepages-2048kB/nr_overcommit_hugepages",
    "hugepages/hugepages-1048576kB/nr_hugepages", "hugepages/hugepages-1048576kB/nr_overcommit_hugepages",
};
#define NSYSCTL ((int)(sizeof SYSCTLS / sizeof SYSCTLS[0]))
enum { SYS_SWAPPINESS = 0, SYS_OC_RATIO = 2, SYS_OC_KBYTES = 3, SYS_DROP_CACHES = 12 };

/* ------------------------------------------------------- per-process state */
/* All of it is copied by fork, which is exactly the inheritance we want. */

static int self = -1;           /* index of this process in procs; -1 in the supervisor */
static pid_t super_pid;
static int (*pipes)[2];         /* token pipe of each process slot */
static int spipe[2];            /* messages to the supervisor */
static int lifeline[2];         /* only the supervisor holds the write end: EOF when it dies */
static pid_t *pids;             /* pid of each of this process's children */
static unsigned char *live;     /* live[q]: q is a live child of this process */
static struct mapping *maps;
static long place_seq;
static unsigned long next_slot = SLOT_BASE;
static unsigned long scen_hi = SLOT_BASE; /* end of the highest scenario placement */
static long acc_min, acc_maj;   /* faults inside measured windows */
static char baseline[16384];
static size_t baseline_len;
static int journal_fd = -1;     /* what the run changed on the host, for mmsim to undo */
static int kmsg_fd = -1;        /* the kernel log, for "Killed process PID" */

/* Paths of the memory cgroups: the caller's, the run's machine cgroup inside it. */
static char cg_outer[512];
static char cg_machine[600];

/* ------------------------------------------------------------ shared state */
/* One MAP_SHARED region made by the supervisor before any fork and
 * prefaulted there, so it is charged to the caller's cgroup, not the run's,
 * and no scenario process ever faults on it. */

enum { ST_NONE, ST_FORKING, ST_LIVE, ST_EXITING, ST_GONE };

struct shared {
  uint64_t commit;       /* records committed << 32 | bytes of sh_out they fill */
  int holder;            /* process holding the token */
  int cur_op;            /* operation the holder is running */
  int nkills;            /* OOM kills seen, in kills[] */
  int events_read;       /* kills already listed by `events` */
  int swappiness;        /* vm.swappiness as the scenario set it */
  long scen_swap_bytes;  /* swap added by the scenario's swapon and not swapped off */
  int sys_seq;           /* order of first changes */
  int sys_saved[NSYSCTL];     /* 0, or the order in which the key was first changed */
  char sys_orig[NSYSCTL][32]; /* its value before the run */
};

#define OUTCAP (256L << 10)
static struct shared *sh;
static pid_t *sh_pid;           /* per process */
static unsigned char *sh_state; /* per process: ST_* */
static unsigned char *sh_killed;/* per process: killed by the OOM killer */
static int *sh_cg;              /* per process: its cgroup id, -1 = the machine cgroup */
static int *sh_kills;           /* process indices in the order the OOM killer killed them */
static unsigned char *sh_cgmade;/* per cgroup: created */
static int *sh_cgswp;           /* per cgroup: explicit swappiness, -1 = follow vm.swappiness */
static unsigned char *sh_swapon;/* per op: this swapon's area is in use */
static char *sh_out;            /* the records */

static void *shared_alloc(size_t *off, size_t n) {
  size_t at = (*off + 15) & ~(size_t)15;
  *off = at + n;
  return (void *)at;
}

static void setup_shared(void) {
  size_t off = 0;
  size_t o_sh = (size_t)shared_alloc(&off, sizeof(struct shared));
  size_t o_pid = (size_t)shared_alloc(&off, sizeof(pid_t) * (size_t)nprocs);
  size_t o_state = (size_t)shared_alloc(&off, (size_t)nprocs);
  size_t o_killed = (size_t)shared_alloc(&off, (size_t)nprocs);
  size_t o_cg = (size_t)shared_alloc(&off, sizeof(int) * (size_t)nprocs);
  size_t o_kills = (size_t)shared_alloc(&off, sizeof(int) * (size_t)nprocs);
  size_t o_cgmade = (size_t)shared_alloc(&off, (size_t)ncgroups + 1);
  size_t o_cgswp = (size_t)shared_alloc(&off, sizeof(int) * ((size_t)ncgroups + 1));
  size_t o_swapon = (size_t)shared_alloc(&off, (size_t)nops + 1);
  size_t o_out = (size_t)shared_alloc(&off, (size_t)OUTCAP);
  size_t len = (off + PAGE - 1) & ~(PAGE - 1);
  char *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) {
    write(2, "mmsim-runner: cannot map the shared state\n", 42);
    exit(5);
  }
  memset(base, 0, len); /* every page allocated here, in the supervisor */
  sh = (struct shared *)(base + o_sh);
  sh_pid = (pid_t *)(base + o_pid);
  sh_state = (unsigned char *)(base + o_state);
  sh_killed = (unsigned char *)(base + o_killed);
  sh_cg = (int *)(base + o_cg);
  sh_kills = (int *)(base + o_kills);
  sh_cgmade = (unsigned char *)(base + o_cgmade);
  sh_cgswp = (int *)(base + o_cgswp);
  sh_swapon = (unsigned char *)(base + o_swapon);
  sh_out = base + o_out;
  for (int q = 0; q < nprocs; q++) sh_cg[q] = -1;
}

/* --------------------------------------------------------------- output */

/* Records are appended to sh_out after sh->committed; `outlen` bytes of the
 * current record are there but do not count until commit(). Only the token
 * holder (or the supervisor, while no one holds it) appends. */
static long outlen;

static void drain(void);
static long committed_bytes(void);

static void out_bytes(const char *s, size_t n) {
  while (n > 0) {
    long room = OUTCAP - committed_bytes() - outlen;
    if (room <= 0) {
      drain();
      continue;
    }
    size_t k = n < (size_t)room ? n : (size_t)room;
    memcpy(sh_out + committed_bytes() + outlen, s, k);
    outlen += (long)k;
    s += k;
    n -= k;
  }
}

/* sh->commit packs the records committed (high 32 bits) and the bytes of
 * sh_out they fill (low 32 bits), stored at once: a process killed at any
 * point leaves both consistent. */
static long committed_bytes(void) { return (long)(__atomic_load_n(&sh->commit, __ATOMIC_ACQUIRE) & 0xffffffffu); }
static int committed_recs(void) { return (int)(__atomic_load_n(&sh->commit, __ATOMIC_ACQUIRE) >> 32); }

static void set_commit(int recs, long bytes) {
  __atomic_store_n(&sh->commit, ((uint64_t)(uint32_t)recs << 32) | (uint64_t)bytes, __ATOMIC_RELEASE);
}

/* Commits the bytes written so far, without a new record (F lines). */
static void commit(void) {
  set_commit(committed_recs(), committed_bytes() + outlen);
  outlen = 0;
}

/* Commits a complete record: `recs` records are now written. */
static void commit_rec(int recs) {
  set_commit(recs, committed_bytes() + outlen);
  outlen = 0;
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

/* Writes all of p; returns 0 or an errno (stdout gone). */
static int write_full(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static void err_str(const char *s) { write_full(2, s, strlen(s)); }

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

enum {
  /* to a scenario process */
  MSG_RUN = 1,   /* arg: run operations from index arg */
  MSG_EXIT,      /* stop your children, newest first, then exit 0 */
  MSG_ACK,       /* the supervisor's answer (arg: its value) */
  MSG_READY,     /* arg: your new child has prefaulted and taken its baseline */
  /* to the supervisor (from = the sender) */
  MSG_SYNC,      /* take note of OOM kills so far and wait for the victims; ACK */
  MSG_IN,        /* arg: hand the token to process arg, at operation arg2 */
  MSG_FORKED,    /* arg: child slot just forked (its pid is in sh_pid) */
  MSG_CHILD_READY, /* arg: the new child is ready; tell its parent */
  MSG_FINISH,    /* arg: the script ended (nops) or stopped at an error at arg */
  MSG_DRAIN,     /* arg: bytes of the record in progress; make room in sh_out; ACK */
  MSG_FATAL,     /* an F line was committed: give up */
  MSG_STOPTREE,  /* arg: stop the live descendants of killed process arg; ACK */
};

struct msg {
  int32_t cmd;
  int32_t arg;
  int32_t arg2;
  int32_t from;
};

static void send_to(int fd, int cmd, int arg, int arg2) {
  struct msg m = {cmd, arg, arg2, self};
  /* 16 bytes < PIPE_BUF: written whole, never interleaved */
  if (write_full(fd, (const char *)&m, sizeof m) != 0) _exit(4);
}

static void send_proc(int q, int cmd, int arg) { send_to(pipes[q][1], cmd, arg, 0); }

static void s_fail_committed(int code);

/* The run cannot go on (the token protocol broke, a process died, ...): an
 * F line says why, and the TypeScript side reports it as a script error.
 * In a scenario process the supervisor is told and brings the tree down. */
static void fatal(const char *a, const char *b, const char *c) {
  outlen = 0; /* a half-written record is dropped */
  out_str("F ");
  out_str(a);
  if (b) out_str(b);
  if (c) out_str(c);
  out_str("\n");
  commit();
  if (self < 0) s_fail_committed(3);
  send_to(spipe[1], MSG_FATAL, 0, 0);
  _exit(3);
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

static void on_fault(int sig, siginfo_t *si, void *uc) {
  (void)si;
  (void)uc;
  if (guard_on) {
    guard_on = 0;
    siglongjmp(guard_jb, sig);
  }
  /* A fault outside a guarded access is a runner bug: die of it, so that
   * the supervisor reports the death. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigaction(sig, &sa, NULL);
}

/* The supervisor's signals (timeout, interrupt) go through a self-pipe. */
static int sigpipe_fds[2] = {-1, -1};
static volatile sig_atomic_t s_signal;

static void on_super_signal(int sig) {
  if (!s_signal) s_signal = sig;
  char c = (char)sig;
  int e = errno;
  if (write(sigpipe_fds[1], &c, 1) < 0) { /* full: a wake-up is already pending */ }
  errno = e;
}

static void install_fault_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
}

static void install_super_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_super_signal; /* no SA_RESTART: blocking calls return EINTR */
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGALRM};
  for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) sigaction(sigs[k], &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}

/* Scenario processes leave interrupts to the supervisor, which stops them. */
static void ignore_interrupts(void) {
  int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
  for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) signal(sigs[k], SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
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

static void died(int q, int st) {
  char why[64];
  describe_death(st, why);
  char m[160];
  strcpy(m, "' died unexpectedly: ");
  strcat(m, why);
  fatal("process '", procs[q].name, m);
}

/* A scenario process waits for a message on its own pipe. If the
 * supervisor dies (its lifeline closes), the process exits: nothing
 * outlives the run. */
static struct msg wait_msg(void) {
  for (;;) {
    struct pollfd pf[2] = {{pipes[self][0], POLLIN, 0}, {lifeline[0], POLLIN, 0}};
    int r = poll(pf, 2, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      fatal("poll on the token pipe failed", NULL, NULL);
    }
    if (pf[0].revents & POLLIN) {
      struct msg m;
      ssize_t n = read(pipes[self][0], &m, sizeof m);
      if (n == (ssize_t)sizeof m) return m;
      if (n < 0 && errno == EINTR) continue;
      fatal("short read on the token pipe", NULL, NULL);
    }
    if (pf[1].revents) _exit(6);
  }
}

/* Asks the supervisor and waits for its answer. */
static int rpc_super(int cmd, int arg) {
  send_to(spipe[1], cmd, arg, 0);
  struct msg m = wait_msg();
  if (m.cmd != MSG_ACK) fatal("protocol: expected the supervisor's answer", NULL, NULL);
  return m.arg;
}

static void s_drain(void);

/* sh_out is full: the supervisor writes out the whole records and moves the
 * one in progress to the front. */
static void drain(void) {
  if (self < 0) s_drain();
  else outlen = rpc_super(MSG_DRAIN, (int)outlen);
}

/* Stops child q (it stops its own children first) and reaps it. A child the
 * OOM killer took is only reaped; the processes it leaves behind (now the
 * supervisor's) are stopped by the supervisor, as exit stops a subtree. */
static void stop_child(int q) {
  live[q] = 0;
  sh_state[q] = ST_EXITING;
  send_proc(q, MSG_EXIT, 0);
  int st;
  while (waitpid(pids[q], &st, 0) < 0) {
    if (errno != EINTR) fatal("waitpid failed for process '", procs[q].name, "'");
  }
  sh_state[q] = ST_GONE;
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return;
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && sh_killed[q]) {
    for (int d = q + 1; d < nprocs; d++) {
      if ((sh_state[d] != ST_FORKING && sh_state[d] != ST_LIVE) || sh_killed[d]) continue;
      int p = procs[d].parent;
      while (p >= 0 && p != q) p = procs[p].parent;
      if (p == q) {
        rpc_super(MSG_STOPTREE, q);
        break;
      }
    }
    return;
  }
  died(q, st);
}

static void do_exit_self(void) {
  for (int q = nprocs - 1; q > self; q--)
    if (live[q]) stop_child(q);
  _exit(0);
}

/* ------------------------------------------------------- small host files */

/* Writes a short string to a /proc or cgroup file; 0 or an errno. */
static int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  ssize_t w = write(fd, text, strlen(text));
  int e = w < 0 ? errno : 0;
  close(fd);
  return e;
}

static void fmt_long(char *buf, long v) {
  char t[24];
  int i = 24;
  unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
  t[--i] = 0;
  do t[--i] = (char)('0' + u % 10); while ((u /= 10) != 0);
  if (v < 0) t[--i] = '-';
  strcpy(buf, t + i);
}

static int write_long(const char *path, long v) {
  char b[24];
  fmt_long(b, v);
  return write_file(path, b);
}

/* Reads a small file into buf (NUL-terminated, trailing newline removed). */
static int read_text(const char *path, char *buf, size_t cap) {
  long n = read_small(path, buf, cap - 1);
  if (n < 0) return errno ? errno : EIO;
  buf[n] = 0;
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = 0;
  return 0;
}

/* The number after `key` at the start of a line of a "key value" file. */
static long field_after(const char *text, const char *key) {
  size_t kl = strlen(key);
  for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (strncmp(l, key, kl) == 0 && (l[kl] == ' ' || l[kl] == '\t')) return strtol(l + kl + 1, NULL, 10);
  }
  return -1;
}

static void path_join(char *out, size_t cap, const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la + 1 + lb + 1 > cap) {
    out[0] = 0;
    return;
  }
  memcpy(out, a, la);
  out[la] = '/';
  memcpy(out + la + 1, b, lb + 1);
}

/* The directory of cgroup id (-1: the machine cgroup). */
static void cg_dir(char *out, size_t cap, int cg) {
  if (cg < 0) {
    strncpy(out, cg_machine, cap - 1);
    out[cap - 1] = 0;
  } else {
    path_join(out, cap, cg_machine, cg_names[cg]);
  }
}

static int cg_write(int cg, const char *file, const char *text) {
  char d[700], f[800];
  cg_dir(d, sizeof d, cg);
  path_join(f, sizeof f, d, file);
  return write_file(f, text);
}

/* Appends one line to the journal that lets mmsim undo a run that died
 * before cleaning up: "sysctl KEY VALUE", "swap ABSPATH", "cgroup DIR". */
static void journal(const char *kind, const char *a, const char *b) {
  if (journal_fd < 0) return;
  char line[1200];
  line[0] = 0;
  strcat(line, kind);
  strcat(line, " ");
  if (strcmp(kind, "swap") == 0 && a[0] != '/') {
    /* a relative path: make it absolute */
    char cwd[600];
    if (getcwd(cwd, sizeof cwd)) {
      strncat(line, cwd, 600);
      strcat(line, "/");
    }
  }
  strncat(line, a, 500);
  if (b) {
    strcat(line, " ");
    strncat(line, b, 60);
  }
  strcat(line, "\n");
  if (write(journal_fd, line, strlen(line)) < 0) { /* best effort */ }
}

/* --------------------------------------------------------------- operations */

static struct mapping *need_map(int i, int id) {
  struct mapping *m = &maps[id];
  if (m->bound) return m;
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
  if (o->hugetlb) flags |= MAP_HUGETLB;
  if (o->hugetlb > 1) flags |= (int)((unsigned)o->hugetlb << 26); /* MAP_HUGE_2MB, MAP_HUGE_1GB: MAP_HUGE_SHIFT */
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

/* ------------------------------------------------- version 2: memory pressure */

static int is_sysfs(int key) { return strchr(SYSCTLS[key], '/') != NULL; }

static void sys_path(char *out, int key) {
  strcpy(out, is_sysfs(key) ? "/sys/kernel/mm/" : "/proc/sys/vm/");
  strcat(out, SYSCTLS[key]);
}

/* Notes a sysctl's value before the run's first change to it, for the
 * supervisor to restore (and in the journal, for mmsim if the runner dies). */
static int sysctl_save(int key) {
  if (key == SYS_DROP_CACHES || sh->sys_saved[key]) return 0;
  char path[120], v[32];
  sys_path(path, key);
  int e = read_text(path, v, sizeof v);
  if (e) return e;
  memcpy(sh->sys_orig[key], v, sizeof v);
  journal(is_sysfs(key) ? "sysfs" : "sysctl", SYSCTLS[key], v);
  sh->sys_saved[key] = ++sh->sys_seq;
  return 0;
}

/* In cgroup v1 a cgroup reclaims with its own memory.swappiness, copied from
 * its parent only when it is made, so vm.swappiness as the scenario sets it
 * is written into the machine cgroup and into every scenario cgroup that
 * follows it (made without swappiness=). */
static void mirror_swappiness(void) {
  char b[24];
  fmt_long(b, sh->swappiness);
  cg_write(-1, "memory.swappiness", b);
  for (int c = 0; c < ncgroups; c++)
    if (sh_cgmade[c] && sh_cgswp[c] < 0) cg_write(c, "memory.swappiness", b);
}

static int op_sysctl(int i, struct op *o) {
  int err = 0;
  for (int k = 0; k < o->nkv && !err; k++) {
    int key = o->keys[k];
    err = sysctl_save(key);
    /* Writing either of overcommit_ratio and overcommit_kbytes zeroes the other. */
    if (!err && (key == SYS_OC_RATIO || key == SYS_OC_KBYTES)) err = sysctl_save(key == SYS_OC_RATIO ? SYS_OC_KBYTES : SYS_OC_RATIO);
    if (err) break;
    char path[120];
    sys_path(path, key);
    err = write_long(path, o->vals[k]);
    if (!err && key == SYS_SWAPPINESS) {
      sh->swappiness = (int)o->vals[k];
      mirror_swappiness();
    }
  }
  rec_ret(i, err);
  return 0;
}

/* The machine cgroup's memory+swap limit: its memory limit plus every swap
 * area of the run (the machine's and the scenario's), so that the run can
 * use exactly the swap the simulated machine has. */
static void update_memsw(void) {
  if (machine_limit < 0) return;
  long v = machine_limit + sh->scen_swap_bytes;
  if (machine_swap_pages > 0) v += (machine_swap_pages - 1) * (long)PAGE;
  char b[24];
  fmt_long(b, v);
  cg_write(-1, "memory.memsw.limit_in_bytes", b);
}

static char zerobuf[1 << 16] __attribute__((aligned(4096)));

/* Creates a swap file of `pages` pages in mkswap's layout: page 0 is the
 * header (bootbits, then version 1, last_page = pages - 1, no bad pages,
 * and "SWAPSPACE2" in its last 10 bytes), every other page written as zeros
 * (swapon refuses holes). Written with O_DIRECT where the file system takes
 * it, so that the page cache, which swap I/O bypasses, holds none of it. */
static int make_swapfile(const char *path, long pages) {
  if (pages < 2) return EINVAL;
  if (unlink(path) < 0 && errno != ENOENT) return errno;
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_DIRECT, 0600);
  if (fd < 0 && errno == EINVAL) fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  memset(zerobuf, 0, PAGE);
  uint32_t hdr[3] = {1, (uint32_t)(pages - 1), 0};
  memcpy(zerobuf + 1024, hdr, sizeof hdr);
  memcpy(zerobuf + PAGE - 10, "SWAPSPACE2", 10);
  int e = 0;
  ssize_t w;
  while ((w = write(fd, zerobuf, PAGE)) < 0 && errno == EINTR) {}
  if (w != (ssize_t)PAGE) e = w < 0 ? errno : EIO;
  memset(zerobuf, 0, PAGE);
  long total = (pages - 1) * (long)PAGE, done = 0;
  while (!e && done < total) {
    size_t n = total - done < (long)sizeof zerobuf ? (size_t)(total - done) : sizeof zerobuf;
    w = write(fd, zerobuf, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) e = w < 0 ? errno : EIO;
    else done += w;
  }
  if (!e && fsync(fd) < 0) e = errno;
  if (!e) posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
  if (e) unlink(path);
  return e;
}

static int swap_active(const char *path) {
  for (int k = 0; k < nops; k++)
    if (sh_swapon[k] && strcmp(ops[k].path, path) == 0) return 1;
  return 0;
}

static int op_swapon(int i, struct op *o) {
  if (swap_active(o->path)) {
    rec_ret(i, EBUSY);
    return 0;
  }
  journal("swap", o->path, NULL);
  int e = make_swapfile(o->path, o->pages);
  if (!e) {
    int flags = o->flag ? SWAP_FLAG_PREFER | (o->value & SWAP_FLAG_PRIO_MASK) : 0;
    if (swapon(o->path, flags) < 0) {
      e = errno;
      unlink(o->path);
    }
  }
  if (!e) {
    sh_swapon[i] = 1;
    sh->scen_swap_bytes += (o->pages - 1) * (long)PAGE;
    update_memsw();
  }
  rec_ret(i, e);
  return 0;
}

static int op_swapoff(int i, struct op *o) {
  int e = swapoff(o->path) < 0 ? errno : 0;
  if (!e) {
    for (int k = 0; k < nops; k++) {
      if (!sh_swapon[k] || strcmp(ops[k].path, o->path) != 0) continue;
      sh_swapon[k] = 0;
      sh->scen_swap_bytes -= (ops[k].pages - 1) * (long)PAGE;
    }
    update_memsw();
  }
  rec_ret(i, e);
  return 0;
}

static int cg_fail(int i, const char *what, int cg, const char *file, int e) {
  rec_head(i, "error ");
  out_str(what);
  out_str(cg_names[cg]);
  if (file) {
    out_str("/");
    out_str(file);
  }
  out_str(": ");
  out_errno(e);
  out_str("\n");
  return -1;
}

/* cgroup NAME: a directory under the machine cgroup, its swappiness, limit
 * and memory+swap limit (unlimited first, so that any new limit fits). */
static int op_cgroup(int i, struct op *o) {
  char d[700];
  cg_dir(d, sizeof d, o->cg);
  if (!sh_cgmade[o->cg]) {
    journal("cgroup", d, NULL);
    if (mkdir(d, 0755) < 0 && errno != EEXIST) return cg_fail(i, "cgroup: cannot create memory cgroup ", o->cg, NULL, errno);
    sh_cgmade[o->cg] = 1;
  }
  sh_cgswp[o->cg] = o->swappiness;
  char b[24];
  fmt_long(b, o->swappiness >= 0 ? o->swappiness : sh->swappiness);
  int e = cg_write(o->cg, "memory.swappiness", b);
  if (e) return cg_fail(i, "cgroup: cannot write ", o->cg, "memory.swappiness", e);
  e = cg_write(o->cg, "memory.memsw.limit_in_bytes", "-1");
  if (e && e != ENOENT) return cg_fail(i, "cgroup: cannot write ", o->cg, "memory.memsw.limit_in_bytes", e);
  fmt_long(b, o->limit * (long)PAGE);
  e = cg_write(o->cg, "memory.limit_in_bytes", b);
  if (e) return cg_fail(i, "cgroup: cannot write ", o->cg, "memory.limit_in_bytes", e);
  if (o->memsw >= 0) {
    fmt_long(b, o->memsw * (long)PAGE);
    e = cg_write(o->cg, "memory.memsw.limit_in_bytes", b);
    if (e) return cg_fail(i, "cgroup: cannot write ", o->cg, "memory.memsw.limit_in_bytes", e);
  }
  rec_none(i);
  return 0;
}

/* join NAME: the running process writes its pid to the cgroup's
 * cgroup.procs; its pages stay charged where they are. */
static int op_join(int i, struct op *o) {
  char pid[24];
  fmt_long(pid, getpid());
  int e = cg_write(o->cg, "cgroup.procs", pid);
  if (e) return cg_fail(i, "join: cannot move the process into memory cgroup ", o->cg, NULL, e);
  sh_cg[self] = o->cg;
  rec_none(i);
  return 0;
}

/* hugepages [SIZE_KB]: the default size's pool from /proc/meminfo, or the
 * pool of SIZE_KB from /sys/kernel/mm/hugepages/hugepages-SIZE_KBkB and
 * meminfo's Hugetlb (every size); then this process's HugetlbPages. */
static int op_hugepages(int i, struct op *o) {
  char mi[8192], st[8192];
  if (read_text("/proc/meminfo", mi, sizeof mi) || read_text("/proc/self/status", st, sizeof st))
    fatal("cannot read /proc/meminfo or /proc/self/status", NULL, NULL);
  static const char *keys[] = {"HugePages_Total:", "HugePages_Free:", "HugePages_Rsvd:", "HugePages_Surp:"};
  static const char *files[] = {"nr_hugepages", "free_hugepages", "resv_hugepages", "surplus_hugepages"};
  long v[4];
  for (int k = 0; k < 4; k++) {
    if (!o->pages) {
      v[k] = field_after(mi, keys[k]);
      continue;
    }
    char dir[80], path[140], num_[32], b[32];
    fmt_long(num_, o->pages);
    strcpy(dir, "/sys/kernel/mm/hugepages/hugepages-");
    strcat(dir, num_);
    strcat(dir, "kB");
    path_join(path, sizeof path, dir, files[k]);
    int e = read_text(path, b, sizeof b);
    if (e) {
      rec_head(i, "error hugepages: cannot read ");
      out_str(path);
      out_str(": ");
      out_errno(e);
      out_str("\n");
      return -1;
    }
    v[k] = strtol(b, NULL, 10);
  }
  rec_head(i, "hugepages");
  for (int k = 0; k < 4; k++) {
    out_str(" ");
    out_long(v[k]);
  }
  out_str(" ");
  out_long(field_after(st, "HugetlbPages:"));
  if (o->pages) {
    out_str(" ");
    out_long(field_after(mi, "Hugetlb:"));
  }
  out_str("\n");
  return 0;
}

static int op_oom_score(int i) {
  char a[32], b[32];
  if (read_text("/proc/self/oom_score", a, sizeof a) || read_text("/proc/self/oom_score_adj", b, sizeof b))
    fatal("cannot read /proc/self/oom_score", NULL, NULL);
  rec_head(i, "oom_score ");
  out_str(a);
  out_str(" ");
  out_str(b);
  out_str("\n");
  return 0;
}

static long cg_read_long(int cg, const char *file) {
  char d[700], f[800], v[64];
  cg_dir(d, sizeof d, cg);
  path_join(f, sizeof f, d, file);
  if (read_text(f, v, sizeof v)) return -2;
  return strtol(v, NULL, 10);
}

/* cgstat: the v1 counters, in bytes; a limit of 2^62 or more is unlimited (-1). */
static int op_cgstat(int i, struct op *o) {
  long usage = cg_read_long(o->cg, "memory.usage_in_bytes");
  long max = cg_read_long(o->cg, "memory.max_usage_in_bytes");
  long limit = cg_read_long(o->cg, "memory.limit_in_bytes");
  long memsw = cg_read_long(o->cg, "memory.memsw.usage_in_bytes");
  long failcnt = cg_read_long(o->cg, "memory.failcnt");
  char d[700], f[800];
  cg_dir(d, sizeof d, o->cg);
  path_join(f, sizeof f, d, "memory.oom_control");
  long oomk = read_text(f, procbuf, sizeof procbuf) ? -2 : field_after(procbuf, "oom_kill");
  if (usage < 0 || max < 0 || limit < 0 || failcnt < 0 || oomk < 0) fatal("cannot read the counters of memory cgroup ", cg_names[o->cg], NULL);
  if (memsw < 0) memsw = usage; /* no swap accounting */
  if (limit >= (1L << 62)) limit = -1;
  rec_head(i, "cgstat ");
  long v[6] = {usage, max, limit, memsw, failcnt, oomk};
  for (int k = 0; k < 6; k++) {
    if (k) out_str(" ");
    out_long(v[k]);
  }
  out_str("\n");
  return 0;
}

/* events: the supervisor has noted every kill so far (the SYNC after the
 * previous operation, and this one). */
static int op_events(int i) {
  rpc_super(MSG_SYNC, 0);
  rec_head(i, "events");
  for (int k = sh->events_read; k < sh->nkills; k++) {
    out_str(" ");
    out_long(sh_kills[k]);
  }
  sh->events_read = sh->nkills;
  out_str("\n");
  return 0;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

static void child_main(int c);

static int op_fork(int i, struct op *o) {
  int c = o->target;
  sh_cg[c] = sh_cg[self];
  sh_killed[c] = 0;
  sh_state[c] = ST_FORKING;
  pid_t pid = fork();
  if (pid < 0) {
    sh_state[c] = ST_NONE;
    rec_error2(i, "fork", "", errno);
    return -1;
  }
  if (pid == 0) {
    child_main(c);
    _exit(0); /* not reached */
  }
  pids[c] = pid;
  live[c] = 1;
  sh_pid[c] = pid;
  send_to(spipe[1], MSG_FORKED, c, 0);
  prefault();
  /* Wait until the child has prefaulted and taken its baseline: exactly one
   * process of the tree runs at any time, so nothing it does (COW copies,
   * LRU batches) interleaves with the parent's measured operations. */
  struct msg m = wait_msg();
  if (m.cmd != MSG_READY || m.arg != c) fatal("protocol: expected the new child to report ready", NULL, NULL);
  rec_none(i);
  return 0;
}

static void serve(void);

/* Runs operations from index `from` while this process holds the token.
 * Each record is committed when complete, with the number of records, so
 * that the supervisor knows which operation a killed process was running. */
static void run_ops(int from) {
  sh->holder = self;
  for (int i = from; i < nops; i++) {
    struct op *o = &ops[i];
    if (o->proc != self) fatal("protocol: operation for process '", procs[o->proc].name, "' reached another process");
    sh->cur_op = i;
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
        if (o->target == self) {
          rec_none(i);
        } else if (sh_killed[o->target]) {
          rec_head(i, "error process ");
          out_str(procs[o->target].name);
          out_str(" was killed by the OOM killer\n");
          r = -1;
        } else {
          rec_none(i);
          r = 1;
        }
        break;
      case OP_EXIT:
        stop_child(o->target);
        rec_none(i);
        break;
      case OP_NOP: rec_none(i); break;
      case OP_DIE:
        commit();
        kill(getpid(), o->flag);
        pause();
        break;
      case OP_SWAPON: r = op_swapon(i, o); break;
      case OP_SWAPOFF: r = op_swapoff(i, o); break;
      case OP_SYSCTL:
      case OP_SYSFS: r = op_sysctl(i, o); break;
      case OP_CGROUP: r = op_cgroup(i, o); break;
      case OP_JOIN: r = op_join(i, o); break;
      case OP_OOM_ADJ: rec_ret(i, write_long("/proc/self/oom_score_adj", o->limit)); break;
      case OP_OOM_SCORE: r = op_oom_score(i); break;
      case OP_HUGEPAGES: r = op_hugepages(i, o); break;
      case OP_CGSTAT: r = op_cgstat(i, o); break;
      case OP_EVENTS: r = op_events(i); break;
      case OP_SLEEP:
        sleep_ms(o->limit);
        rec_none(i);
        break;
    }
    commit_rec(i + 1);
    if (r < 0) {
      send_to(spipe[1], MSG_FINISH, i, 0);
      return;
    }
    if (r > 0) {
      send_to(spipe[1], MSG_IN, o->target, i + 1);
      return;
    }
    /* Every OOM kill this operation caused is noted, and its victim gone,
     * before the next operation runs. */
    rpc_super(MSG_SYNC, 0);
  }
  send_to(spipe[1], MSG_FINISH, nops, 0);
}

static void serve(void) {
  for (;;) {
    struct msg m = wait_msg();
    switch (m.cmd) {
      case MSG_RUN: run_ops(m.arg); break;
      case MSG_EXIT: do_exit_self(); break;
      default: fatal("protocol: unexpected token message", NULL, NULL);
    }
  }
}

/* Moves the calling process into a memory cgroup directory. */
static int cg_enter(const char *dir) {
  char f[800], pid[24];
  path_join(f, sizeof f, dir, "cgroup.procs");
  fmt_long(pid, getpid());
  return write_file(f, pid);
}

static void child_main(int c) {
  self = c;
  sh_pid[c] = getpid();
  memset(live, 0, (size_t)nprocs);
  acc_min = acc_maj = 0;
  outlen = 0;
  /* The runner's own copy-on-write copies are charged outside the run: the
   * child prefaults in the caller's cgroup, then goes back to its parent's. */
  if (pressure) cg_enter(cg_outer);
  prefault();
  if (pressure) {
    char d[700];
    cg_dir(d, sizeof d, sh_cg[c]);
    int e = cg_enter(d);
    if (e) fatal("cannot move a new process back into its memory cgroup: ", errname(e), NULL);
    /* Every process made by fork starts with oom_score_adj 0 (main has -1000). */
    e = write_long("/proc/self/oom_score_adj", 0);
    if (e) fatal("cannot write oom_score_adj 0 in a new process: ", errname(e), NULL);
  }
  take_baseline();
  send_to(spipe[1], MSG_CHILD_READY, c, 0);
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

/* ---------------------------------------------------------------- supervisor */

static int *pidfds;             /* per process: a pidfd while the supervisor watches it */
static long flushed;            /* bytes of sh_out already on stdout */
static int stdout_dead;
static long oomkill_base;       /* /proc/vmstat oom_kill at the start */
static int machine_made, machine_swap_on;
static const char MACHINE_SWAP[] = ".mmsim-machine.swap";
static char kbuf[8192];

static int pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

static void s_write(const char *p, size_t n) {
  if (stdout_dead || n == 0) return;
  if (write_full(1, p, n) != 0) stdout_dead = 1; /* mmsim is gone; clean up all the same */
}

static void s_flush(void) {
  long c = committed_bytes();
  if (c > flushed) {
    s_write(sh_out + flushed, (size_t)(c - flushed));
    flushed = c;
  }
}

/* Writes out the whole records and moves the `pend` bytes of the record in
 * progress to the front of sh_out; returns where that record continues. A
 * single record larger than sh_out goes out in parts. */
static long s_make_room(long pend) {
  s_flush();
  long c = committed_bytes();
  if (c == 0) {
    s_write(sh_out, (size_t)pend);
    pend = 0;
  } else {
    memmove(sh_out, sh_out + c, (size_t)pend);
  }
  set_commit(committed_recs(), 0);
  flushed = 0;
  return pend;
}

static void s_drain(void) { outlen = s_make_room(outlen); }

static long vmstat_oom_kill(void) {
  if (read_text("/proc/vmstat", procbuf, sizeof procbuf)) return -1;
  return field_after(procbuf, "oom_kill");
}

/* Reads the kernel log written since the last call and notes every scenario
 * process named in a "Killed process PID" line (__oom_kill_process), in the
 * order of the log: the order of the kills. */
static void s_kills(void) {
  if (kmsg_fd < 0) return;
  for (;;) {
    ssize_t n = read(kmsg_fd, kbuf, sizeof kbuf - 1);
    if (n < 0 && (errno == EINTR || errno == EPIPE)) continue; /* EPIPE: older records overwritten */
    if (n <= 0) return;
    kbuf[n] = 0;
    char *msg = strchr(kbuf, ';');
    char *k = msg ? strstr(msg, "Killed process ") : NULL;
    if (!k) continue;
    long pid = strtol(k + 15, NULL, 10);
    for (int q = 0; q < nprocs; q++) {
      if (sh_pid[q] != pid || sh_killed[q] || sh_state[q] == ST_NONE || sh_state[q] == ST_GONE) continue;
      sh_killed[q] = 1;
      sh_kills[sh->nkills++] = q;
    }
  }
}

/* Process q is dead and not by request: was it the OOM killer? The kill is
 * logged just after the SIGKILL is sent, and counted in /proc/vmstat just
 * before; while the count says a kill is not yet in the log, wait for it. */
static void s_find_kill(int q) {
  for (int tries = 0; tries < 400; tries++) {
    s_kills();
    if (sh_killed[q]) return;
    long v = vmstat_oom_kill();
    if (kmsg_fd < 0 || v < 0 || v <= oomkill_base + sh->nkills) return;
    sleep_ms(5);
  }
}

/* The status of a dead process its parent has not reaped yet, from field 52
 * (exit_code) of /proc/PID/stat; -1 when unknown. */
static int zombie_status(pid_t pid) {
  char path[40] = "/proc/";
  char b[24];
  fmt_long(b, pid);
  strcat(path, b);
  strcat(path, "/stat");
  if (read_text(path, procbuf, sizeof procbuf)) return -1;
  char *p = strrchr(procbuf, ')');
  if (!p) return -1;
  int field = 2;
  for (; *p && field < 52; p++)
    if (*p == ' ') field++;
  return field == 52 ? (int)strtol(p, NULL, 10) : -1;
}

static void s_takeover(int q);
static void s_stop(int q);

/* The supervisor saw process q die (its pidfd became readable). */
static void s_death(int q) {
  if (pidfds[q] >= 0) {
    close(pidfds[q]);
    pidfds[q] = -1;
  }
  if (sh_state[q] == ST_EXITING || sh_state[q] == ST_GONE) return; /* it was asked to exit */
  if (!sh_killed[q]) s_find_kill(q);
  if (!sh_killed[q]) {
    int st = zombie_status(sh_pid[q]);
    if (st < 0 && q == 0) {
      if (waitpid(sh_pid[0], &st, WNOHANG) != sh_pid[0]) st = -1;
      else sh_state[0] = ST_GONE;
    }
    if (st < 0) fatal("process '", procs[q].name, "' died unexpectedly");
    died(q, st);
  }
  /* A new child killed before it was ready: its parent's fork goes on. */
  if (sh_state[q] == ST_FORKING) {
    sh_state[q] = ST_LIVE;
    send_proc(procs[q].parent, MSG_READY, q);
  }
  if (sh->holder == q) s_takeover(q);
}

/* Waits (10 s at most) until every process the OOM killer took is dead. */
static void s_await_victims(void) {
  for (int q = 0; q < nprocs; q++) {
    if (!sh_killed[q] || pidfds[q] < 0) continue;
    struct pollfd p = {pidfds[q], POLLIN, 0};
    int r;
    while ((r = poll(&p, 1, 10000)) < 0 && errno == EINTR) {}
    if (r <= 0) fatal("process '", procs[q].name, "' was killed by the OOM killer but did not exit within 10 s");
    s_death(q);
  }
}

static void s_finish(void);

static void s_error_rec(int i, const char *a, const char *b, const char *c) {
  outlen = 0;
  rec_head(i, "error ");
  out_str(a);
  if (b) out_str(b);
  if (c) out_str(c);
  out_str("\n");
  commit_rec(i + 1);
}

/* The token holder q was killed by the OOM killer. Its line prints
 * `killed` (or, for main, stops the run); then the script goes on as the
 * simulator's does: the next line may only hand the token on (`in X`),
 * anything else in q is a script error. */
static void s_takeover(int q) {
  outlen = 0; /* whatever q had half written */
  int i = committed_recs();
  if (i < nops && i == sh->cur_op) {
    if (q == 0) {
      s_error_rec(i, "main was killed by the OOM killer", NULL, NULL);
      s_finish();
    }
    rec_head(i, "killed\n");
    commit_rec(++i);
  }
  for (; i < nops && ops[i].proc == q; i++) {
    if (ops[i].code != OP_IN) {
      s_error_rec(i, "process ", procs[q].name, " was killed by the OOM killer");
      s_finish();
    }
    int x = ops[i].target;
    if (sh_killed[x]) {
      s_error_rec(i, "process ", procs[x].name, " was killed by the OOM killer");
      s_finish();
    }
    rec_none(i);
    commit_rec(i + 1);
    if (x != q) {
      s_flush();
      sh->holder = x;
      send_proc(x, MSG_RUN, i + 1);
      return;
    }
  }
  s_finish();
}

static int descends(int d, int q) {
  for (int p = procs[d].parent; p >= 0; p = procs[p].parent)
    if (p == q) return 1;
  return 0;
}

static int s_alive(int q) { return (sh_state[q] == ST_FORKING || sh_state[q] == ST_LIVE) && !sh_killed[q]; }

/* Stops process q, whose children are already stopped: EXIT, then wait for
 * its death (SIGKILL after 10 s). The supervisor reaps it if it is its
 * parent (main, or an orphan whose parent the OOM killer took); otherwise
 * its parent reaps it when it stops in turn. */
static void s_stop(int q) {
  sh_state[q] = ST_EXITING;
  send_proc(q, MSG_EXIT, 0);
  if (pidfds[q] >= 0) {
    struct pollfd p = {pidfds[q], POLLIN, 0};
    int r;
    while ((r = poll(&p, 1, 10000)) < 0 && errno == EINTR) {}
    if (r <= 0) {
      kill(sh_pid[q], SIGKILL);
      while (poll(&p, 1, 10000) < 0 && errno == EINTR) {}
    }
    close(pidfds[q]);
    pidfds[q] = -1;
  }
  /* A process that found a dead child on its way out has committed an F line. */
  struct pollfd pm = {spipe[0], POLLIN, 0};
  while (poll(&pm, 1, 0) > 0) {
    struct msg m;
    if (read(spipe[0], &m, sizeof m) != (ssize_t)sizeof m) break;
    if (m.cmd == MSG_FATAL) s_fail_committed(3);
  }
  int st;
  pid_t r;
  while ((r = waitpid(sh_pid[q], &st, 0)) < 0 && errno == EINTR) {}
  if (r == sh_pid[q]) {
    sh_state[q] = ST_GONE;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) died(q, st);
  }
}

/* exit of a process the OOM killer took: its live descendants (orphans now,
 * the supervisor's children) are stopped, newest first. */
static void s_stoptree(int q) {
  for (int d = nprocs - 1; d > q; d--)
    if (s_alive(d) && descends(d, q)) s_stop(d);
}

/* Reaps whatever is left (killed processes whose parent died too). */
static void s_reap_zombies(void) {
  int st;
  while (waitpid(-1, &st, WNOHANG) > 0) {}
}

static void s_cleanup(void);

/* The end of the script, or a script error: the processes still alive
 * stop, newest first; then the host is put back as it was. */
static void s_finish(void) {
  s_flush();
  s_kills();
  s_await_victims();
  for (int q = nprocs - 1; q >= 0; q--)
    if (s_alive(q)) s_stop(q);
  s_reap_zombies();
  s_cleanup();
  s_flush();
  exit(0);
}

/* Kills every process of the run and waits until all are gone (10 s at most). */
static void s_kill_all(void) {
  for (int round = 0; round < 1000; round++) {
    int left = 0;
    for (int q = 0; q < nprocs; q++) {
      if (sh_pid[q] <= 0 || sh_state[q] == ST_GONE) continue;
      if (kill(sh_pid[q], SIGKILL) == 0) left++;
    }
    if (machine_made) {
      for (int c = -1; c < ncgroups; c++) {
        if (c >= 0 && !sh_cgmade[c]) continue;
        char d[700], f[800];
        cg_dir(d, sizeof d, c);
        path_join(f, sizeof f, d, "cgroup.procs");
        if (read_text(f, procbuf, sizeof procbuf)) continue;
        for (char *p = procbuf; *p;) {
          long pid = strtol(p, &p, 10);
          if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0) left++;
          while (*p == '\n' || *p == ' ') p++;
        }
      }
    }
    int st;
    pid_t r;
    while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
      for (int q = 0; q < nprocs; q++)
        if (sh_pid[q] == r) sh_state[q] = ST_GONE;
    }
    if (!left && r < 0) return;
    sleep_ms(10);
  }
}

static void cleanup_warn(const char *what, const char *path, int e) {
  err_str("mmsim-runner: cleanup: ");
  err_str(what);
  err_str(path);
  err_str(": ");
  err_str(errname(e) ? errname(e) : "error");
  err_str("\n");
}

static int rmdir_retry(const char *d) {
  for (int k = 0; k < 200; k++) {
    if (rmdir(d) == 0 || errno == ENOENT) return 0;
    if (errno != EBUSY) return errno;
    sleep_ms(10);
  }
  return EBUSY;
}

/* Puts the host back: swap areas off and their files gone, cgroups removed,
 * sysctls restored (overcommit_ratio before overcommit_kbytes, as writing
 * one zeroes the other), the journal removed. Best effort: a failure is
 * reported on stderr and the rest still done. */
static void s_cleanup(void) {
  for (int k = nops - 1; k >= 0; k--) {
    if (ops[k].code != OP_SWAPON) continue;
    if (sh_swapon[k]) {
      if (swapoff(ops[k].path) < 0) cleanup_warn("cannot swapoff ", ops[k].path, errno);
      else sh_swapon[k] = 0;
    }
    if (!sh_swapon[k] && k < committed_recs() && unlink(ops[k].path) < 0 && errno != ENOENT) cleanup_warn("cannot remove ", ops[k].path, errno);
  }
  if (machine_swap_on) {
    if (swapoff(MACHINE_SWAP) < 0) cleanup_warn("cannot swapoff ", MACHINE_SWAP, errno);
    else machine_swap_on = 0;
  }
  if (!machine_swap_on) unlink(MACHINE_SWAP);
  int e;
  for (int c = ncgroups - 1; c >= 0; c--) {
    if (!sh_cgmade[c]) continue;
    char d[700];
    cg_dir(d, sizeof d, c);
    if ((e = rmdir_retry(d)) != 0) cleanup_warn("cannot remove memory cgroup ", d, e);
    else sh_cgmade[c] = 0;
  }
  if (machine_made) {
    if ((e = rmdir_retry(cg_machine)) != 0) cleanup_warn("cannot remove memory cgroup ", cg_machine, e);
    else machine_made = 0;
  }
  char path[120];
  for (int seq = sh->sys_seq; seq >= 1; seq--) {
    for (int key = 0; key < NSYSCTL; key++) {
      if (sh->sys_saved[key] != seq || key == SYS_OC_RATIO || key == SYS_OC_KBYTES) continue;
      sys_path(path, key);
      if ((e = write_file(path, sh->sys_orig[key])) != 0) cleanup_warn("cannot restore ", path, e);
    }
  }
  if (sh->sys_saved[SYS_OC_RATIO]) {
    sys_path(path, SYS_OC_RATIO);
    if ((e = write_file(path, sh->sys_orig[SYS_OC_RATIO])) != 0) cleanup_warn("cannot restore ", path, e);
    if (strcmp(sh->sys_orig[SYS_OC_KBYTES], "0") != 0) {
      sys_path(path, SYS_OC_KBYTES);
      if ((e = write_file(path, sh->sys_orig[SYS_OC_KBYTES])) != 0) cleanup_warn("cannot restore ", path, e);
    }
  }
  if (journal_fd >= 0 && !machine_made && !machine_swap_on) {
    close(journal_fd);
    journal_fd = -1;
    unlink(".mmsim-undo");
  }
}

/* The run failed (the F line is committed): stop everything, clean up. */
static void s_fail_committed(int code) {
  s_flush();
  s_kill_all();
  s_cleanup();
  s_flush();
  _exit(code);
}

static void s_interrupted(void) {
  int sig = s_signal;
  if (sig == SIGALRM) {
    char b[24];
    fmt_long(b, timeout_ms);
    fatal("the run did not finish within ", b, " ms");
  }
  char b[24];
  fmt_long(b, sig);
  fatal("the runner was interrupted by signal ", b, NULL);
}

/* Reclaim steers by the memory cgroup's LRU statistics, which the kernel
 * brings up to date at most every 2 s (the periodic rstat flush) unless
 * someone reads them: left alone, whether the first reclaim of an operation
 * sees the page cache just read depends on when that flush last ran. Reading
 * the machine cgroup's memory.stat flushes it and every cgroup inside it, so
 * every operation starts from current statistics. */
static void s_flush_memcg_stats(void) {
  if (!machine_made) return;
  char f[800];
  path_join(f, sizeof f, cg_machine, "memory.stat");
  int fd = open(f, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  while (read(fd, procbuf, sizeof procbuf) > 0) {}
  close(fd);
}

static void s_handle(struct msg m) {
  switch (m.cmd) {
    case MSG_SYNC:
      s_kills();
      s_await_victims();
      s_flush();
      s_flush_memcg_stats();
      send_proc(m.from, MSG_ACK, 0);
      break;
    case MSG_IN:
      s_flush();
      sh->holder = m.arg;
      send_proc(m.arg, MSG_RUN, m.arg2);
      break;
    case MSG_FORKED:
    case MSG_CHILD_READY:
      if (m.arg < 0 || m.arg >= nprocs) fatal("protocol: bad process in a message", NULL, NULL);
      if (pidfds[m.arg] < 0 && sh_state[m.arg] == ST_FORKING) {
        pidfds[m.arg] = pidfd_open(sh_pid[m.arg]);
        if (pidfds[m.arg] < 0) fatal("pidfd_open failed (Linux 5.3 or later is needed): ", errname(errno), NULL);
      }
      if (m.cmd == MSG_CHILD_READY && sh_state[m.arg] == ST_FORKING) {
        sh_state[m.arg] = ST_LIVE;
        send_proc(procs[m.arg].parent, MSG_READY, m.arg);
      }
      break;
    case MSG_FINISH: s_finish(); break;
    case MSG_DRAIN: send_proc(m.from, MSG_ACK, (int)s_make_room(m.arg)); break;
    case MSG_FATAL: s_fail_committed(3); break;
    case MSG_STOPTREE:
      s_stoptree(m.arg);
      s_reap_zombies();
      send_proc(m.from, MSG_ACK, 0);
      break;
    default: fatal("protocol: unexpected message to the supervisor", NULL, NULL);
  }
}

/* Messages first (one at a time, so that a process's F line is seen before
 * its death), then deaths. */
static void s_loop(void) {
  struct pollfd *pf = malloc(((size_t)nprocs + 2) * sizeof *pf);
  int *who = malloc(((size_t)nprocs + 2) * sizeof *who);
  for (;;) {
    if (s_signal) s_interrupted();
    int n = 0;
    pf[n++] = (struct pollfd){spipe[0], POLLIN, 0};
    pf[n++] = (struct pollfd){sigpipe_fds[0], POLLIN, 0};
    for (int q = 0; q < nprocs; q++) {
      if (pidfds[q] < 0) continue;
      pf[n] = (struct pollfd){pidfds[q], POLLIN, 0};
      who[n++] = q;
    }
    int r = poll(pf, (nfds_t)n, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      fatal("poll failed in the supervisor", NULL, NULL);
    }
    if (pf[1].revents) {
      char c[16];
      if (read(sigpipe_fds[0], c, sizeof c) < 0) { /* nothing */ }
      if (s_signal) s_interrupted();
    }
    if (pf[0].revents & POLLIN) {
      struct msg m;
      ssize_t k = read(spipe[0], &m, sizeof m);
      if (k == (ssize_t)sizeof m) s_handle(m);
      else if (!(k < 0 && errno == EINTR)) fatal("short read on the supervisor's pipe", NULL, NULL);
      continue;
    }
    for (int k = 2; k < n; k++)
      if (pf[k].revents && pidfds[who[k]] >= 0) s_death(who[k]);
  }
}

static void setup_fail(const char *a, const char *b, int e) {
  err_str("mmsim-runner: cannot prepare the run: ");
  err_str(a);
  if (b) err_str(b);
  if (e) {
    err_str(": ");
    err_str(errname(e) ? errname(e) : "error");
  }
  err_str("\n");
  s_cleanup();
  exit(5);
}

/* The machine of a version-2 run: a memory cgroup inside the caller's,
 * limited to the machine's memtotal (memory+swap: memtotal plus the run's
 * swap), with vm.swappiness as its swappiness, and the machine's swap as a
 * swap file of the run. */
static void s_setup_machine(void) {
  if (read_text("/proc/self/cgroup", procbuf, sizeof procbuf)) setup_fail("cannot read /proc/self/cgroup", NULL, errno);
  const char *path = NULL;
  for (char *l = procbuf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    char *c1 = strchr(l, ':');
    if (!c1) break;
    char *c2 = strchr(c1 + 1, ':');
    if (!c2) break;
    if ((size_t)(c2 - c1 - 1) == 6 && strncmp(c1 + 1, "memory", 6) == 0) {
      path = c2 + 1;
      char *nl = strchr(c2 + 1, '\n');
      if (nl) *nl = 0;
      break;
    }
  }
  if (!path) setup_fail("this kernel has no cgroup v1 memory controller (no 'memory' line in /proc/self/cgroup)", NULL, 0);
  strcpy(cg_outer, "/sys/fs/cgroup/memory");
  if (strcmp(path, "/") != 0) strncat(cg_outer, path, sizeof cg_outer - 32);
  char f[800];
  path_join(f, sizeof f, cg_outer, "cgroup.procs");
  if (access(f, W_OK) < 0) setup_fail("the cgroup v1 memory controller is not writable at ", cg_outer, errno);
  char b[24];
  fmt_long(b, getpid());
  strcpy(cg_machine, cg_outer);
  strcat(cg_machine, "/mmsim-");
  strcat(cg_machine, b);
  journal("cgroup", cg_machine, NULL);
  if (mkdir(cg_machine, 0755) < 0) setup_fail("cannot create memory cgroup ", cg_machine, errno);
  machine_made = 1;
  char v[32];
  if (read_text("/proc/sys/vm/swappiness", v, sizeof v)) setup_fail("cannot read vm.swappiness", NULL, errno);
  sh->swappiness = (int)strtol(v, NULL, 10);
  int e = cg_write(-1, "memory.swappiness", v);
  if (e) setup_fail("cannot write memory.swappiness of ", cg_machine, e);
  if (machine_limit >= 0) {
    fmt_long(b, machine_limit);
    if ((e = cg_write(-1, "memory.limit_in_bytes", b)) != 0) setup_fail("cannot write memory.limit_in_bytes of ", cg_machine, e);
  }
  if (machine_swap_pages > 0) {
    journal("swap", MACHINE_SWAP, NULL);
    if ((e = make_swapfile(MACHINE_SWAP, machine_swap_pages)) != 0) setup_fail("cannot write the machine's swap file ", MACHINE_SWAP, e);
    if (swapon(MACHINE_SWAP, 0) < 0) {
      e = errno;
      unlink(MACHINE_SWAP);
      setup_fail("swapon of the machine's swap file failed (it must be on a disk file system such as ext4; see --workdir)", NULL, e);
    }
    machine_swap_on = 1;
  }
  update_memsw();
  if (kmsg_fd < 0) setup_fail("cannot read the kernel log /dev/kmsg, where OOM kills are told", NULL, errno);
  /* main inherits -1000 from here: the OOM killer never picks it. Lowering
   * oom_score_adj needs CAP_SYS_RESOURCE; without it main keeps the
   * caller's value, and mmsim says so. */
  if ((e = write_long("/proc/self/oom_score_adj", -1000)) != 0) {
    if (e != EACCES) setup_fail("cannot write oom_score_adj -1000", NULL, e);
    err_str("mmsim-runner: warning: no CAP_SYS_RESOURCE: oom_score_adj cannot be set below its current value, so main runs with the caller's oom_score_adj, not -1000, and negative values fail with EACCES\n");
  }
}

/* main: runs the script's first lines; the other processes come from it. */
static void main_proc(void) {
  self = 0;
  close(lifeline[1]);
  close(sigpipe_fds[0]);
  close(sigpipe_fds[1]);
  if (kmsg_fd >= 0) close(kmsg_fd);
  kmsg_fd = -1;
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != super_pid) _exit(5);
  signal(SIGALRM, SIG_DFL);
  ignore_interrupts();
  install_fault_handlers();
  sh_pid[0] = getpid();
  grow_stack();
  prefault();
  take_baseline();
  /* Prefaulted in the caller's cgroup: only the scenario's memory is the machine's. */
  if (pressure) {
    int e = cg_enter(cg_machine);
    if (e) fatal("cannot move main into the machine's memory cgroup: ", errname(e), NULL);
  }
  run_ops(0);
  serve();
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

#define MAXTOK 64
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
    {"swapon", OP_SWAPON, 4},     {"swapoff", OP_SWAPOFF, 1},   {"sysctl", OP_SYSCTL, -1},
    {"cgroup", OP_CGROUP, 4},     {"join", OP_JOIN, 1},         {"oom_score_adj", OP_OOM_ADJ, 1},
    {"oom_score", OP_OOM_SCORE, 0}, {"cgstat", OP_CGSTAT, 1},   {"events", OP_EVENTS, 0},
    {"sleep", OP_SLEEP, 1},       {"hugepages", OP_HUGEPAGES, -1}, {"sysfs", OP_SYSFS, -1},
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
      /* mmap MAP PAGES PROT SHARED POPULATE NORESERVE HUGETLB OFFSET AFTER anon|file PATH */
      if (ntok < 13) proto_error(lineno, "mmap: missing fields");
      o->map = (int)num(3, 0, nmaps - 1);
      o->pages = num(4, 0, BIG);
      o->prot = (int)num(5, 0, 7);
      o->shared = (int)num(6, 0, 1);
      o->populate = (int)num(7, 0, 1);
      o->noreserve = (int)num(8, 0, 1);
      o->hugetlb = (int)num(9, 0, 31); /* 0 none, 1 MAP_HUGETLB, else also log2 of the size */
      o->offset = num(10, 0, BIG);
      o->after = (int)num(11, -1, nmaps - 1);
      if (strcmp(tok[12], "anon") == 0 && ntok == 13) o->path = NULL;
      else if (strcmp(tok[12], "file") == 0 && ntok == 14) o->path = tok[13];
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
    case OP_SWAPON:
      o->path = tok[3];
      o->pages = num(4, 2, BIG);
      o->flag = (int)num(5, 0, 1);
      o->value = (int)num(6, 0, SWAP_FLAG_PRIO_MASK);
      break;
    case OP_SWAPOFF: o->path = tok[3]; break;
    case OP_HUGEPAGES:
      /* hugepages [SIZE_KB]: without a size, the default size from /proc/meminfo */
      if (ntok > 4) proto_error(lineno, "hugepages: expected at most a size");
      o->pages = ntok == 4 ? num(3, 1, BIG) : 0;
      break;
    case OP_SYSCTL:
    case OP_SYSFS:
      if (ntok < 5 || (ntok - 3) % 2 != 0) proto_error(lineno, "sysctl: expected KEY VALUE pairs");
      o->nkv = (ntok - 3) / 2;
      o->keys = calloc((size_t)o->nkv, sizeof *o->keys);
      o->vals = calloc((size_t)o->nkv, sizeof *o->vals);
      for (int k = 0; k < o->nkv; k++) {
        o->keys[k] = -1;
        for (int j = 0; j < NSYSCTL; j++)
          if (strcmp(tok[3 + 2 * k], SYSCTLS[j]) == 0 && is_sysfs(j) == (o->code == OP_SYSFS)) o->keys[k] = j;
        if (o->keys[k] < 0) proto_error(lineno, "sysctl: unknown or refused key");
        o->vals[k] = num(4 + 2 * k, -(1L << 62), 1L << 62);
      }
      break;
    case OP_CGROUP:
      o->cg = (int)num(3, 0, ncgroups - 1);
      o->limit = num(4, 0, BIG);
      o->memsw = num(5, -1, BIG);
      o->swappiness = (int)num(6, -1, 200);
      break;
    case OP_JOIN:
    case OP_CGSTAT: o->cg = (int)num(3, 0, ncgroups - 1); break;
    case OP_OOM_ADJ: o->limit = num(3, -1000000, 1000000); break;
    case OP_SLEEP: o->limit = num(3, 0, 86400000); break;
    default: break;
  }
}

/* A cgroup name becomes a directory next to the cgroup's control files. */
static int good_cgroup_name(const char *n) {
  if (!*n || strcmp(n, "tasks") == 0 || strcmp(n, "notify_on_release") == 0 || strcmp(n, "release_agent") == 0) return 0;
  for (const char *p = n; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) return 0;
  return strlen(n) < 64;
}

static void parse_input(void) {
  cursor = input;
  expect("mmsim-runner", 2);
  if (num(1, 0, 1000) != PROTOCOL_VERSION) proto_error(lineno, "unsupported protocol version");
  expect("timeout", 2);
  timeout_ms = num(1, 0, 1L << 40);
  expect("machine", 4);
  pressure = (int)num(1, 0, 1);
  machine_limit = num(2, -1, 1L << 60);
  machine_swap_pages = num(3, 0, 1L << 40);
  if (machine_swap_pages == 1) proto_error(lineno, "machine: a swap file needs at least 2 pages");
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
  expect("cgroups", 2);
  ncgroups = (int)num(1, 0, 1 << 16);
  cg_names = calloc((size_t)ncgroups + 1, sizeof *cg_names);
  for (int k = 0; k < ncgroups; k++) {
    expect("cgroup", 3);
    if (num(1, k, k) != k) proto_error(lineno, "cgroup out of order");
    if (!good_cgroup_name(tok[2])) proto_error(lineno, "cgroup: bad name");
    cg_names[k] = tok[2];
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
    /* What a version-2 operation changes on the host is undone only in a
     * version-2 run. */
    if (ops[i].code >= OP_SWAPON && ops[i].code <= OP_SLEEP && !pressure)
      proto_error(lineno - nops + i, "a version-2 operation in a run without the machine cgroup");
  }
}

int main(void) {
  read_input();
  parse_input();
  super_pid = getpid();
  pipes = calloc((size_t)nprocs, sizeof *pipes);
  for (int q = 0; q < nprocs; q++) {
    if (pipe2(pipes[q], O_CLOEXEC) < 0) {
      err_str("mmsim-runner: cannot create the token pipes\n");
      return 2;
    }
  }
  if (pipe2(spipe, O_CLOEXEC) < 0 || pipe2(lifeline, O_CLOEXEC) < 0 || pipe2(sigpipe_fds, O_CLOEXEC | O_NONBLOCK) < 0) {
    err_str("mmsim-runner: cannot create the supervisor's pipes\n");
    return 2;
  }
  setup_shared();
  pids = calloc((size_t)nprocs, sizeof *pids);
  live = calloc((size_t)nprocs, 1);
  maps = calloc((size_t)nmaps + 1, sizeof *maps);
  pidfds = malloc((size_t)nprocs * sizeof *pidfds);
  for (int q = 0; q < nprocs; q++) pidfds[q] = -1;
  umask(022);
  install_super_signals();
  kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (kmsg_fd >= 0) lseek(kmsg_fd, 0, SEEK_END);
  oomkill_base = vmstat_oom_kill();
  if (pressure) {
    journal_fd = open(".mmsim-undo", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (journal_fd < 0) setup_fail("cannot create the journal .mmsim-undo", NULL, errno);
    s_setup_machine();
  }
  if (s_signal) setup_fail("interrupted", NULL, 0);
  /* Orphans (children of a process the OOM killer took) come to the supervisor. */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  pin_cpu();
  if (timeout_ms > 0) {
    struct itimerval it = {{0, 0}, {timeout_ms / 1000, (timeout_ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
  }
  sh_state[0] = ST_LIVE;
  sh->holder = 0;
  pid_t m = fork();
  if (m < 0) setup_fail("cannot fork main", NULL, errno);
  if (m == 0) {
    main_proc();
    _exit(0); /* not reached */
  }
  sh_pid[0] = m;
  pidfds[0] = pidfd_open(m);
  if (pidfds[0] < 0) {
    kill(m, SIGKILL);
    setup_fail("pidfd_open failed (Linux 5.3 or later is needed)", NULL, errno);
  }
  close(lifeline[0]);
  s_loop();
  return 0;
}
