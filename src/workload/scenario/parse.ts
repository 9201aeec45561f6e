// Parser of the scenario language v1 (docs/scenario-format.md). Turns the text
// into a validated Program: every check that does not depend on what the
// kernel answers is made here, so a bad script fails before anything runs and
// nothing half-done is printed.
import { ARCHES, type Arch } from '../../kernel/arch.js';
import { parseLruGenEnabled } from '../../kernel/lru_gen.js';
import { SYSFS_FILES } from '../../kernel/sysfs.js';
import { applyArchDefaults, checkMachine, DEFAULT_MACHINE, type MachineConfig, type ThpDefrag, type ThpMode } from '../../kernel/machine.js';
import { MADVICES, SYSCTL_KEYS, type Madvice, type MsyncMode, type Op, type Prot, type ScenarioProc, type SysctlKey } from './ops.js';

export interface Program {
  machine: MachineConfig;
  /** True when the script had a `machine` line. */
  hasMachineLine: boolean;
  /** Line number of the `machine` line (0 when there is none). */
  machineLineNo?: number;
  ops: Op[];
  procs: ScenarioProc[];
}

/** A script error: printed as `ERROR line N: message`, exit status 2. */
export class ScenarioError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`ERROR line ${line}: ${detail}`);
    this.name = 'ScenarioError';
  }
}

const SUFFIX: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** Bytes from `N`, `NK`, `NM`, `NG`, `NT`; null if malformed. */
function parseByteSuffix(tok: string): { value: number; bytes: boolean } | null {
  const m = /^(\d+)([KMGT]?)$/.exec(tok);
  if (!m) return null;
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n)) return null;
  if (m[2] === '') return { value: n, bytes: false };
  return { value: n * SUFFIX[m[2]!]!, bytes: true };
}

/**
 * A page argument: `N` pages, `N[KMGT]` bytes (a multiple of 4 KiB), or
 * `ram`, `ram+N`, `ram-N` with ram = MemTotal in pages.
 */
export function parsePages(tok: string, ramPages: number): number | string {
  const r = /^ram(?:([+-])(.+))?$/.exec(tok);
  if (r) {
    if (r[1] === undefined) return ramPages;
    const d = parsePages(r[2]!, ramPages);
    if (typeof d === 'string') return d;
    const v = r[1] === '+' ? ramPages + d : ramPages - d;
    return v < 0 ? `'${tok}' is negative` : v;
  }
  const s = parseByteSuffix(tok);
  if (!s) return `'${tok}' is not a page count (N, N[KMGT] or ram[+-N])`;
  if (!s.bytes) return s.value;
  if (s.value % 4096 !== 0) return `'${tok}' is not a multiple of 4 KiB`;
  return s.value / 4096;
}

function parseProt(tok: string): Prot | null {
  if (tok === 'none') return { read: false, write: false, exec: false };
  if (!/^[rwx]{1,3}$/.test(tok) || new Set(tok).size !== tok.length) return null;
  return { read: tok.includes('r'), write: tok.includes('w'), exec: tok.includes('x') };
}

function parseByte(tok: string): number | null {
  if (!/^\d+$/.test(tok)) return null;
  const n = Number(tok);
  return n <= 255 ? n : null;
}

/** Parses a `machine` line's keys over the defaults. */
function parseMachine(words: string[], line: number): MachineConfig {
  const m: MachineConfig = { ...DEFAULT_MACHINE };
  const fail = (msg: string): never => {
    throw new ScenarioError(line, msg);
  };
  const given = new Set<string>();
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) fail(`machine: expected key=value, got '${w}'`);
    const key = w.slice(0, eq);
    const val = w.slice(eq + 1);
    given.add(key);
    const int = (): number => {
      if (!/^\d+$/.test(val)) fail(`machine: ${key} must be a non-negative integer, got '${val}'`);
      return Number(val);
    };
    const kb = (): number => {
      const s = parseByteSuffix(val);
      if (!s) return fail(`machine: ${key} must be a size (N pages or N[KMGT]), got '${val}'`);
      return s.bytes ? Math.floor(s.value / 1024) : s.value * 4;
    };
    switch (key) {
      case 'memtotal':
        m.memtotalKb = kb();
        if (m.memtotalKb < 16 * 1024) fail(`machine: memtotal must be at least 16M`);
        break;
      case 'swap':
        m.swapKb = kb();
        break;
      case 'cpus':
        m.cpus = int();
        if (m.cpus < 1) fail('machine: cpus must be at least 1');
        break;
      case 'overcommit_memory': {
        const v = int();
        if (v > 2) fail(`machine: overcommit_memory must be 0, 1 or 2, got '${val}'`);
        m.overcommitMemory = v as 0 | 1 | 2;
        break;
      }
      case 'overcommit_ratio':
        m.overcommitRatio = int();
        break;
      case 'thp':
        if (!['always', 'madvise', 'never'].includes(val)) fail(`machine: thp must be always, madvise or never, got '${val}'`);
        m.thp = val as ThpMode;
        break;
      case 'thp_defrag':
        if (!['always', 'defer', 'defer+madvise', 'madvise', 'never'].includes(val)) fail(`machine: bad thp_defrag '${val}'`);
        m.thpDefrag = val as ThpDefrag;
        break;
      case 'thp_zero_page': {
        const v = int();
        if (v > 1) fail(`machine: thp_zero_page must be 0 or 1, got '${val}'`);
        m.thpZeroPage = v === 1;
        break;
      }
      case 'fault_around_kb':
        m.faultAroundKb = int();
        break;
      case 'read_ahead_kb':
        m.readAheadKb = int();
        break;
      case 'min_free_kbytes':
        m.minFreeKbytes = int();
        break;
      case 'arch':
        // Extension (simulator only): a 32-bit machine (docs/scenario-format.md).
        if (!(ARCHES as readonly string[]).includes(val)) fail(`machine: arch must be ${ARCHES.join(', ')}, got '${val}'`);
        m.arch = val as Arch;
        break;
      case 'highpte': {
        const v = int();
        if (v > 1) fail(`machine: highpte must be 0 or 1, got '${val}'`);
        m.highpte = v === 1;
        break;
      }
      case 'highmem':
        m.highmemKb = kb();
        break;
      case 'lru_gen': {
        // Extension (simulator only): the multi-gen LRU, /sys/kernel/mm/lru_gen/enabled at boot.
        const caps = parseLruGenEnabled(val);
        if (caps === null) fail(`machine: lru_gen must be y, n or a mask of 0x1, 0x2, 0x4 (e.g. 0x0007), got '${val}'`);
        if (caps) m.lruGen = caps!;
        break;
      }
      case 'min_ttl_ms':
        m.minTtlMs = int();
        break;
      default:
        fail(`machine: unknown key '${key}'`);
    }
  }
  applyArchDefaults(m, given);
  const bad = checkMachine(m);
  if (bad) fail(`machine: ${bad}`);
  return m;
}

const USAGE: Record<string, string> = {
  file: 'file PATH PAGES [fill=B] [chunk=N]',
  truncate: 'truncate PATH PAGES [EXTRA_BYTES]',
  dropcache: 'dropcache PATH',
  unlink: 'unlink PATH',
  mmap: 'mmap NAME PAGES anon|file:PATH private|shared PROT [populate] [noreserve] [hugetlb[=SIZE]] [offset=PAGES] [after=NAME2]',
  munmap: 'munmap NAME FIRST COUNT',
  mprotect: 'mprotect NAME FIRST COUNT PROT',
  madvise: 'madvise NAME FIRST COUNT ADVICE',
  mlock: 'mlock NAME FIRST COUNT',
  munlock: 'munlock NAME FIRST COUNT',
  msync: 'msync NAME FIRST COUNT [sync|async|invalidate]',
  mremap: 'mremap NAME NEWPAGES [move]',
  touch: 'touch NAME FIRST COUNT read|write [value=B] [step=S]',
  peek: 'peek NAME FIRST COUNT',
  fpeek: 'fpeek PATH FIRST COUNT',
  expect_segv: 'expect_segv NAME PAGE read|write',
  report: 'report LABEL [NAME...]',
  vmas: 'vmas LABEL [NAME...]',
  hugetlb_vmas: 'hugetlb_vmas LABEL [NAME...]',
  status: 'status LABEL',
  pagemap: 'pagemap NAME FIRST COUNT',
  fork: 'fork NAME',
  in: 'in NAME',
  exit: 'exit NAME',
  echo: 'echo WORDS...',
  exec: 'exec [PATH] [text=N] [data=N] [bss=N] [stack=N]',
  swapon: 'swapon PATH SIZE [prio=N]',
  swapoff: 'swapoff PATH',
  sysctl: 'sysctl KEY=VALUE...',
  cgroup: 'cgroup NAME limit=SIZE [memsw=SIZE] [swappiness=N]',
  join: 'join NAME',
  oom_score_adj: 'oom_score_adj N',
  oom_score: 'oom_score LABEL',
  hugepages: 'hugepages LABEL [size=2M|1G]',
  cgstat: 'cgstat LABEL NAME',
  events: 'events LABEL',
  sleep: 'sleep MS',
  zoneinfo: 'zoneinfo LABEL',
  access: 'access NAME FIRST COUNT read|write|fetch [stride=BYTES] [repeat=N] [order=seq|random] [seed=S] [cpu=C]',
  tlbstat: 'tlbstat LABEL [cpu=C]',
  cachestat: 'cachestat LABEL [cpu=C]',
  lru_gen: 'lru_gen LABEL',
  sysfs: 'sysfs KEY=VALUE...',
};

/** log2 of a power-of-two size written `2M`, `1G`, `64K` (4K to 2G), or null. */
function hugeSizeLog2(t: string): number | null {
  const m = /^(\d+)([KMG])$/.exec(t);
  if (!m) return null;
  const bytes = Number(m[1]) * { K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2] as 'K' | 'M' | 'G'];
  const log = Math.log2(bytes);
  return Number.isInteger(log) && log >= 12 && log <= 31 ? log : null;
}

export interface ParseOptions {
  /**
   * MemTotal in kB that `ram` stands for. Default: the machine line's memtotal
   * (or the default machine's). The real-kernel runner passes the host's, so
   * that `ram` means the RAM of the kernel that runs the script.
   */
  ramMemtotalKb?: number;
}

/**
 * Parses a whole scenario. Throws ScenarioError for the first bad line.
 * Static checks: syntax, argument counts and values, process names and the
 * process tree, and that every mapping name was mmapped earlier in this
 * process or in an ancestor before the fork.
 */
export function parseScenario(source: string, opts: ParseOptions = {}): Program {
  const lines = source.split('\n');
  let machine: MachineConfig = { ...DEFAULT_MACHINE };
  let hasMachineLine = false;
  let machineLineNo = 0;
  let sawOp = false;
  const ops: Op[] = [];
  const procs: ScenarioProc[] = [{ name: 'main', parent: -1 }];
  const alive = new Set<number>([0]);
  const byName = new Map<string, number>([['main', 0]]);
  // Mapping names visible in each process (a child inherits its parent's at fork).
  const names: Array<Set<string>> = [new Set()];
  let cur = 0;
  const cgroups = new Set<string>();

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const hash = lines[i]!.indexOf('#');
    const text = (hash >= 0 ? lines[i]!.slice(0, hash) : lines[i]!).replace(/\r$/, '').trim();
    if (text === '') continue;
    const tok = text.split(/\s+/);
    const op = tok[0]!;
    const fail = (msg: string): never => {
      throw new ScenarioError(lineNo, msg);
    };

    if (op === 'machine') {
      if (sawOp || hasMachineLine) fail('machine must be the first line of the scenario, and only once');
      machine = parseMachine(tok.slice(1), lineNo);
      hasMachineLine = true;
      machineLineNo = lineNo;
      continue;
    }
    sawOp = true;
    const ramPages = Math.floor((opts.ramMemtotalKb ?? machine.memtotalKb) / 4);
    const usage = USAGE[op];
    if (usage === undefined) fail(`unknown operation '${op}'`);
    const args = tok.slice(1);
    // Positional arguments first, then key=value or flag options.
    const pages = (t: string, what: string): number => {
      const v = parsePages(t, ramPages);
      if (typeof v === 'string') fail(`${op}: ${what}: ${v}`);
      return v as number;
    };
    const count = (min: number, max: number): void => {
      if (args.length < min || args.length > max) fail(`${op}: expected '${usage}', got ${args.length} argument${args.length === 1 ? '' : 's'}`);
    };
    const mapping = (n: string): string => {
      if (!names[cur]!.has(n)) fail(`${op}: unknown mapping '${n}' in process ${procs[cur]!.name}`);
      return n;
    };
    const proc = (n: string): number => {
      const p = byName.get(n);
      if (p === undefined || !alive.has(p)) fail(`${op}: no live process named '${n}'`);
      return p as number;
    };
    const base = { line: lineNo, text, proc: cur };

    switch (op) {
      case 'file': {
        if (args.length < 2) count(2, 4);
        let fill = 7;
        let chunk = 1;
        for (const o of args.slice(2)) {
          if (o.startsWith('fill=')) {
            const b = parseByte(o.slice(5));
            if (b === null) fail(`file: fill must be a byte 0..255, got '${o.slice(5)}'`);
            fill = b as number;
          } else if (o.startsWith('chunk=')) {
            chunk = pages(o.slice(6), 'chunk');
            if (chunk < 1) fail('file: chunk must be at least 1 page');
          } else fail(`file: unknown option '${o}'`);
        }
        ops.push({ ...base, op, path: args[0]!, pages: pages(args[1]!, 'PAGES'), fill, chunk });
        break;
      }
      case 'truncate': {
        count(2, 3);
        let extra = 0;
        if (args[2] !== undefined) {
          if (!/^\d+$/.test(args[2]) || Number(args[2]) >= 4096) fail(`truncate: EXTRA_BYTES must be 0..4095, got '${args[2]}'`);
          extra = Number(args[2]);
        }
        ops.push({ ...base, op, path: args[0]!, pages: pages(args[1]!, 'PAGES'), extraBytes: extra });
        break;
      }
      case 'dropcache':
      case 'unlink':
        count(1, 1);
        ops.push({ ...base, op, path: args[0]! });
        break;
      case 'mmap': {
        if (args.length < 4) count(4, 8);
        const name = args[0]!;
        const np = pages(args[1]!, 'PAGES');
        const kind = args[2]!;
        let file: string | null = null;
        if (kind.startsWith('file:') && kind.length > 5) file = kind.slice(5);
        else if (kind !== 'anon') fail(`mmap: expected anon or file:PATH, got '${kind}'`);
        if (args[3] !== 'private' && args[3] !== 'shared') fail(`mmap: expected private or shared, got '${args[3]}'`);
        if (args[4] === undefined) count(5, 9);
        const prot = parseProt(args[4]!);
        if (!prot) fail(`mmap: PROT must be none or a combination of r, w, x, got '${args[4]}'`);
        let populate = false;
        let noreserve = false;
        let hugetlb = false;
        let hugeSizeLog = 0;
        let offset = 0;
        let after: string | null = null;
        for (const o of args.slice(5)) {
          if (o === 'populate') populate = true;
          else if (o === 'noreserve') noreserve = true;
          else if (o === 'hugetlb') hugetlb = true;
          else if (o.startsWith('hugetlb=')) {
            // MAP_HUGETLB | MAP_HUGE_<SIZE>: log2 of the size in the flags' bits 26-31.
            const log = hugeSizeLog2(o.slice(8));
            if (log === null) fail(`mmap: hugetlb=SIZE must be a power of two from 4K to 2G written with K, M or G (2M, 1G), got '${o.slice(8)}'`);
            hugetlb = true;
            hugeSizeLog = log as number;
          }
          else if (o.startsWith('offset=')) offset = pages(o.slice(7), 'offset');
          else if (o.startsWith('after=')) after = mapping(o.slice(6));
          else fail(`mmap: unknown option '${o}'`);
        }
        ops.push({ ...base, op, name, pages: np, file, shared: args[3] === 'shared', prot: prot!, populate, noreserve, hugetlb, hugeSizeLog, offset, after });
        names[cur]!.add(name);
        break;
      }
      case 'munmap':
      case 'mlock':
      case 'munlock':
      case 'peek':
      case 'pagemap':
        count(3, 3);
        ops.push({ ...base, op, name: mapping(args[0]!), first: pages(args[1]!, 'FIRST'), count: pages(args[2]!, 'COUNT') });
        break;
      case 'mprotect': {
        count(4, 4);
        const prot = parseProt(args[3]!);
        if (!prot) fail(`mprotect: PROT must be none or a combination of r, w, x, got '${args[3]}'`);
        ops.push({ ...base, op, name: mapping(args[0]!), first: pages(args[1]!, 'FIRST'), count: pages(args[2]!, 'COUNT'), prot: prot! });
        break;
      }
      case 'madvise': {
        count(4, 4);
        if (!(MADVICES as readonly string[]).includes(args[3]!)) fail(`madvise: unknown advice '${args[3]}'`);
        ops.push({
          ...base,
          op,
          name: mapping(args[0]!),
          first: pages(args[1]!, 'FIRST'),
          count: pages(args[2]!, 'COUNT'),
          advice: args[3] as Madvice,
        });
        break;
      }
      case 'msync': {
        count(3, 4);
        const mode = args[3] ?? 'sync';
        if (mode !== 'sync' && mode !== 'async' && mode !== 'invalidate') fail(`msync: expected sync, async or invalidate, got '${mode}'`);
        ops.push({ ...base, op, name: mapping(args[0]!), first: pages(args[1]!, 'FIRST'), count: pages(args[2]!, 'COUNT'), mode: mode as MsyncMode });
        break;
      }
      case 'mremap': {
        count(2, 3);
        if (args[2] !== undefined && args[2] !== 'move') fail(`mremap: expected 'move', got '${args[2]}'`);
        ops.push({ ...base, op, name: mapping(args[0]!), newPages: pages(args[1]!, 'NEWPAGES'), move: args[2] === 'move' });
        break;
      }
      case 'touch': {
        if (args.length < 4) count(4, 6);
        if (args[3] !== 'read' && args[3] !== 'write') fail(`touch: expected read or write, got '${args[3]}'`);
        let value = 1;
        let step = 1;
        for (const o of args.slice(4)) {
          if (o.startsWith('value=')) {
            const b = parseByte(o.slice(6));
            if (b === null) fail(`touch: value must be a byte 0..255, got '${o.slice(6)}'`);
            value = b as number;
          } else if (o.startsWith('step=')) {
            step = pages(o.slice(5), 'step');
            if (step < 1) fail('touch: step must be at least 1 page');
          } else fail(`touch: unknown option '${o}'`);
        }
        ops.push({
          ...base,
          op,
          name: mapping(args[0]!),
          first: pages(args[1]!, 'FIRST'),
          count: pages(args[2]!, 'COUNT'),
          write: args[3] === 'write',
          value,
          step,
        });
        break;
      }
      case 'fpeek':
        count(3, 3);
        ops.push({ ...base, op, path: args[0]!, first: pages(args[1]!, 'FIRST'), count: pages(args[2]!, 'COUNT') });
        break;
      case 'expect_segv':
        count(3, 3);
        if (args[2] !== 'read' && args[2] !== 'write') fail(`expect_segv: expected read or write, got '${args[2]}'`);
        ops.push({ ...base, op, name: mapping(args[0]!), page: pages(args[1]!, 'PAGE'), write: args[2] === 'write' });
        break;
      case 'report':
      case 'vmas':
      case 'hugetlb_vmas':
        if (args.length < 1) count(1, Infinity);
        ops.push({ ...base, op, label: args[0]!, names: args.slice(1).map(mapping) });
        break;
      case 'status':
        count(1, 1);
        ops.push({ ...base, op, label: args[0]! });
        break;
      case 'fork': {
        count(1, 1);
        const n = args[0]!;
        if (byName.has(n) && alive.has(byName.get(n)!)) fail(`fork: a process named '${n}' already exists`);
        const child = procs.length;
        procs.push({ name: n, parent: cur });
        byName.set(n, child);
        alive.add(child);
        names.push(new Set(names[cur]));
        ops.push({ ...base, op, child });
        break;
      }
      case 'in': {
        count(1, 1);
        const p = proc(args[0]!);
        ops.push({ ...base, op, target: p });
        cur = p;
        break;
      }
      case 'exit': {
        count(1, 1);
        const p = proc(args[0]!);
        if (procs[p]!.parent !== cur) fail(`exit: '${args[0]}' is not a child of ${procs[cur]!.name}`);
        // The process and all its descendants are gone.
        const gone = [p];
        for (let k = 0; k < gone.length; k++) for (const q of alive) if (procs[q]!.parent === gone[k]) gone.push(q);
        for (const q of gone) alive.delete(q);
        ops.push({ ...base, op, target: p });
        break;
      }
      case 'echo':
        ops.push({ ...base, op, words: args });
        break;
      case 'swapon': {
        count(2, 3);
        let prio: number | null = null;
        if (args[2] !== undefined) {
          const m = /^prio=(-?\d+)$/.exec(args[2]);
          if (!m || Number(m[1]) < -1 || Number(m[1]) > 32767) fail(`swapon: expected prio=N with N from -1 to 32767, got '${args[2]}'`);
          prio = Number(m![1]);
        }
        ops.push({ ...base, op: 'swapon', path: args[0]!, pages: pages(args[1]!, 'SIZE'), prio });
        break;
      }
      case 'swapoff':
        count(1, 1);
        ops.push({ ...base, op: 'swapoff', path: args[0]! });
        break;
      case 'sysctl': {
        if (args.length < 1) count(1, Infinity);
        const settings: Array<[SysctlKey, number]> = [];
        for (const a of args) {
          const m = /^([a-z_-]+)=(-?\d+)$/.exec(a);
          if (!m) fail(`sysctl: expected KEY=VALUE, got '${a}'`);
          if (!(SYSCTL_KEYS as readonly string[]).includes(m![1]!)) fail(`sysctl: unknown key '${m![1]}'`);
          settings.push([m![1] as SysctlKey, Number(m![2])]);
        }
        ops.push({ ...base, op: 'sysctl', settings });
        break;
      }
      case 'sysfs': {
        // Extension (simulator only): /sys/kernel/mm files (docs/scenario-format.md).
        if (args.length < 1) count(1, Infinity);
        const settings: Array<[string, string]> = [];
        for (const a of args) {
          const m = /^([A-Za-z0-9_/-]+)=(\S+)$/.exec(a);
          if (!m) fail(`sysfs: expected KEY=VALUE, got '${a}'`);
          if (!(SYSFS_FILES as readonly string[]).includes(m![1]!)) fail(`sysfs: unknown file '${m![1]}' (expected ${SYSFS_FILES.join(', ')})`);
          if (m![1]!.startsWith('hugepages/') && !/^\d+$/.test(m![2]!)) fail(`sysfs: ${m![1]} takes a number of huge pages, got '${m![2]}'`);
          settings.push([m![1]!, m![2]!]);
        }
        ops.push({ ...base, op: 'sysfs', settings });
        break;
      }
      case 'cgroup': {
        if (args.length < 2) count(2, 4);
        let limit = -1;
        let memsw: number | null = null;
        let swappiness: number | null = null;
        for (const o of args.slice(1)) {
          if (o.startsWith('limit=')) limit = pages(o.slice(6), 'limit');
          else if (o.startsWith('memsw=')) memsw = pages(o.slice(6), 'memsw');
          else if (o.startsWith('swappiness=')) {
            const v = o.slice(11);
            if (!/^\d+$/.test(v) || Number(v) > 200) fail(`cgroup: swappiness must be 0..200, got '${v}'`);
            swappiness = Number(v);
          } else fail(`cgroup: unknown option '${o}'`);
        }
        if (limit < 0) fail('cgroup: limit=SIZE is required');
        if (memsw !== null && memsw < limit) fail('cgroup: memsw must be at least limit');
        ops.push({ ...base, op: 'cgroup', name: args[0]!, limit, memsw, swappiness });
        cgroups.add(args[0]!);
        break;
      }
      case 'join':
        count(1, 1);
        if (!cgroups.has(args[0]!)) fail(`join: no cgroup named '${args[0]}'`);
        ops.push({ ...base, op: 'join', name: args[0]! });
        break;
      case 'oom_score_adj': {
        count(1, 1);
        if (!/^-?\d+$/.test(args[0]!)) fail(`oom_score_adj: expected an integer, got '${args[0]}'`);
        ops.push({ ...base, op: 'oom_score_adj', value: Number(args[0]) });
        break;
      }
      case 'hugepages': {
        count(1, 2);
        let sizeKb = 0;
        if (args[1] !== undefined) {
          const log = args[1].startsWith('size=') ? hugeSizeLog2(args[1].slice(5)) : null;
          if (log !== 21 && log !== 22 && log !== 30) fail(`hugepages: expected size=2M, size=4M or size=1G, got '${args[1]}'`);
          sizeKb = 2 ** (log as number) / 1024;
        }
        ops.push({ ...base, op, label: args[0]!, sizeKb });
        break;
      }
      case 'oom_score':
      case 'events':
      case 'zoneinfo':
      case 'lru_gen':
        count(1, 1);
        ops.push({ ...base, op, label: args[0]! } as Op);
        break;
      case 'cgstat':
        count(2, 2);
        if (!cgroups.has(args[1]!)) fail(`cgstat: no cgroup named '${args[1]}'`);
        ops.push({ ...base, op: 'cgstat', label: args[0]!, name: args[1]! });
        break;
      case 'sleep':
        count(1, 1);
        if (!/^\d+$/.test(args[0]!)) fail(`sleep: expected milliseconds, got '${args[0]}'`);
        ops.push({ ...base, op: 'sleep', ms: Number(args[0]) });
        break;
      case 'access': {
        // Extension (simulator only): accesses through the simulated TLBs and caches.
        if (args.length < 4) count(4, 9);
        const kind = args[3]!;
        if (kind !== 'read' && kind !== 'write' && kind !== 'fetch') fail(`access: expected read, write or fetch, got '${kind}'`);
        const opt = { stride: 4096, repeat: 1, random: false, seed: 1, cpu: 0 };
        for (const o of args.slice(4)) {
          const m = /^(stride|repeat|order|seed|cpu)=(.+)$/.exec(o);
          if (!m) fail(`access: unknown option '${o}'`);
          const [, key, val] = m as unknown as [string, string, string];
          if (key === 'order') {
            if (val !== 'seq' && val !== 'random') fail(`access: order must be seq or random, got '${val}'`);
            opt.random = val === 'random';
            continue;
          }
          if (!/^\d+$/.test(val)) fail(`access: ${key} must be a whole number, got '${val}'`);
          const n = Number(val);
          if (key === 'stride' && (n < 1 || n > 1 << 30)) fail('access: stride must be 1 to 1073741824 bytes');
          if (key === 'repeat' && n < 1) fail('access: repeat must be at least 1');
          if (key === 'cpu' && n >= machine.cpus) fail(`access: cpu ${n} does not exist (the machine has ${machine.cpus})`);
          opt[key as 'stride' | 'repeat' | 'seed' | 'cpu'] = n;
        }
        ops.push({
          ...base,
          op: 'access',
          name: mapping(args[0]!),
          first: pages(args[1]!, 'FIRST'),
          count: pages(args[2]!, 'COUNT'),
          kind: kind as 'read' | 'write' | 'fetch',
          strideBytes: opt.stride,
          repeat: opt.repeat,
          random: opt.random,
          seed: opt.seed,
          cpu: opt.cpu,
        });
        break;
      }
      case 'tlbstat':
      case 'cachestat': {
        count(1, 2);
        let cpu = 0;
        if (args[1] !== undefined) {
          const m = /^cpu=(\d+)$/.exec(args[1]);
          if (!m) fail(`${op}: expected cpu=C, got '${args[1]}'`);
          cpu = Number(m![1]);
          if (cpu >= machine.cpus) fail(`${op}: cpu ${cpu} does not exist (the machine has ${machine.cpus})`);
        }
        ops.push({ ...base, op, label: args[0]!, cpu });
        break;
      }
      case 'exec': {
        // Extension (simulator only): replace the process image; its mappings are gone.
        let path = '/usr/bin/app';
        const size: Record<string, number> = { text: 16, data: 2, bss: 2, stack: 33 };
        for (const a of args) {
          const eq = a.indexOf('=');
          if (eq < 0) {
            path = a;
            continue;
          }
          const key = a.slice(0, eq);
          if (!(key in size)) fail(`exec: unknown option '${key}'`);
          size[key] = pages(a.slice(eq + 1), key);
        }
        if (size.stack! < 1) fail('exec: stack must be at least 1 page');
        ops.push({ ...base, op: 'exec', path, textPages: size.text!, dataPages: size.data!, bssPages: size.bss!, stackPages: size.stack! });
        names[cur] = new Set();
        break;
      }
    }
  }
  return { machine, hasMachineLine, machineLineNo, ops, procs };
}
