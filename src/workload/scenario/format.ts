// Turns a run's records into the scenario output text (docs/scenario-format.md).
// One formatter for both runners: a report is computed from smaps text the same
// way whether the smaps came from the simulator or from the real kernel.
import { field, parseSmaps, type SmapsVma } from '../../report/smaps_parse.js';
import type { Op } from './ops.js';
import type { Program } from './parse.js';
import type { MappingPlace, OpRecord, RunRecords } from './records.js';

export type VmaKind = 'anon' | 'shmem' | 'file';

/** Classifies a VMA by its maps name, as the report's file/shmem split does. */
export function vmaKind(name: string): VmaKind {
  if (name === '' || name.startsWith('[')) return 'anon';
  if (name === '/dev/zero (deleted)' || name.startsWith('/SYSV')) return 'shmem';
  return 'file';
}

/** `v*n` runs of equal values, space separated. */
export function runLength(values: ReadonlyArray<string | number>): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i + 1;
    while (j < values.length && values[j] === values[i]) j++;
    out.push(`${values[i]}*${j - i}`);
    i = j;
  }
  return out.join(' ');
}

function overlaps(v: SmapsVma, m: MappingPlace): boolean {
  return v.start < m.addr + m.pages * 4096 && m.addr < v.end;
}

/** The scenario VMAs of a smaps dump, optionally only those overlapping `names`. */
export function selectVmas(vmas: SmapsVma[], maps: MappingPlace[], names: string[]): SmapsVma[] {
  const chosen = names.length === 0 ? maps : maps.filter((m) => names.includes(m.name));
  return vmas.filter((v) => chosen.some((m) => overlaps(v, m)));
}

/** The mapping that contains the VMA's start (the latest placed one if several). */
function owner(v: SmapsVma, maps: MappingPlace[]): MappingPlace | undefined {
  let best: MappingPlace | undefined;
  for (const m of maps) if (v.start >= m.addr && v.start < m.addr + m.pages * 4096) best = m;
  return best ?? maps.find((m) => overlaps(v, m));
}

const REPORT_FIELDS: Array<[string, (v: SmapsVma) => number]> = [
  ['vmsize_kb', (v) => field(v, 'Size')],
  ['rss_kb', (v) => field(v, 'Rss')],
  ['anon_kb', (v) => field(v, 'Anonymous')],
  ['file_kb', (v) => (vmaKind(v.name) === 'file' ? field(v, 'Rss') - field(v, 'Anonymous') : 0)],
  ['shmem_kb', (v) => (vmaKind(v.name) === 'shmem' ? field(v, 'Rss') - field(v, 'Anonymous') : 0)],
  ['pss_kb', (v) => field(v, 'Pss')],
  ['shared_clean_kb', (v) => field(v, 'Shared_Clean')],
  ['shared_dirty_kb', (v) => field(v, 'Shared_Dirty')],
  ['private_clean_kb', (v) => field(v, 'Private_Clean')],
  ['private_dirty_kb', (v) => field(v, 'Private_Dirty')],
  ['anon_huge_kb', (v) => field(v, 'AnonHugePages')],
  ['pmd_mapped_kb', (v) => field(v, 'FilePmdMapped') + field(v, 'ShmemPmdMapped')],
  ['lazyfree_kb', (v) => field(v, 'LazyFree')],
  ['locked_kb', (v) => field(v, 'Locked')],
  ['swap_kb', (v) => field(v, 'Swap')],
];

const VMA_FIELDS = [
  'rss_kb',
  'anon_kb',
  'pss_kb',
  'shared_clean_kb',
  'shared_dirty_kb',
  'private_clean_kb',
  'private_dirty_kb',
  'anon_huge_kb',
  'pmd_mapped_kb',
  'locked_kb',
];

const HUGETLB_FIELDS: Array<[string, string]> = [
  ['size_kb', 'Size'],
  ['kernel_page_kb', 'KernelPageSize'],
  ['mmu_page_kb', 'MMUPageSize'],
  ['rss_kb', 'Rss'],
];

const STATUS_FIELDS: Array<[string, string]> = [
  ['vmsize_kb', 'VmSize'],
  ['vmdata_kb', 'VmData'],
  ['vmlck_kb', 'VmLck'],
  ['vmpte_kb', 'VmPTE'],
  ['vmrss_kb', 'VmRSS'],
  ['rssanon_kb', 'RssAnon'],
  ['rssfile_kb', 'RssFile'],
  ['rssshmem_kb', 'RssShmem'],
];

/** kB values of the memory lines of a /proc/PID/status text. */
export function statusFields(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+) kB$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

function formatOne(op: Op, rec: OpRecord, procName: string): string[] {
  const bad = (): never => {
    throw new Error(`runner gave a '${rec.kind}' record for '${op.op}' at line ${op.line}`);
  };
  /** The smaps record of a report-like operation and the VMAs of the mappings it names. */
  const smapsVmas = (names: string[]) => {
    if (rec.kind !== 'smaps') bad();
    const r = rec as Extract<OpRecord, { kind: 'smaps' }>;
    return { r, vmas: selectVmas(r.parsed ?? parseSmaps(r.text), r.maps, names) };
  };
  if (rec.kind === 'killed') return [`${op.text} -> killed`];
  switch (op.op) {
    case 'swapon':
    case 'swapoff':
    case 'sysctl':
    case 'sysfs':
    case 'oom_score_adj':
    case 'mmap':
    case 'munmap':
    case 'mprotect':
    case 'madvise':
    case 'mlock':
    case 'munlock':
    case 'msync':
    case 'mremap':
      if (rec.kind !== 'ret') bad();
      return [`${op.text} -> ${(rec as { value: string }).value}`];
    case 'tlbstat':
    case 'cachestat': {
      if (rec.kind !== 'hwstat') bad();
      const r = rec as Extract<OpRecord, { kind: 'hwstat' }>;
      return [[`${op.label} cpu=${op.cpu}`, ...r.fields.map(([k, v]) => `${k}=${v}`)].join(' ')];
    }
    case 'access':
    case 'touch':
      if (rec.kind === 'none') return [];
      if (rec.kind !== 'signal') bad();
      return [`${op.text} -> ${(rec as { sig: string }).sig} at page ${(rec as { page: number }).page}`];
    case 'peek':
    case 'fpeek':
      if (rec.kind === 'signal') return [`${op.text} -> ${rec.sig} at page ${rec.page}`];
      if (rec.kind === 'errno') return [`${op.text} -> ${rec.value}`];
      if (rec.kind !== 'values') bad();
      return [`${op.text} = ${runLength((rec as { values: number[] }).values.map((v) => (v < 0 ? 'eof' : v)))}`.trimEnd()];
    case 'expect_segv':
      if (rec.kind === 'ok') return [`${op.text} -> ok`];
      if (rec.kind !== 'signal') bad();
      return [`${op.text} -> ${(rec as { sig: string }).sig}`];
    case 'pagemap':
      if (rec.kind === 'signal') return [`${op.text} -> ${rec.sig} at page ${rec.page}`];
      if (rec.kind !== 'pagemap') bad();
      return [`${op.text} = ${runLength([...(rec as { codes: string }).codes])}`.trimEnd()];
    case 'echo':
      return [op.words.join(' ')];
    case 'hugepages': {
      if (rec.kind !== 'hugepages') bad();
      const r = rec as Extract<OpRecord, { kind: 'hugepages' }>;
      const counts = `total=${r.total} free=${r.free} rsvd=${r.rsvd} surp=${r.surp} hugetlb_kb=${r.hugetlbKb}`;
      if (op.sizeKb === 0) return [`${op.label} proc=${procName} ${counts}`];
      return [`${op.label} proc=${procName} size_kb=${op.sizeKb} ${counts} meminfo_hugetlb_kb=${r.meminfoHugetlbKb}`];
    }
    case 'oom_score': {
      if (rec.kind !== 'oom_score') bad();
      const r = rec as Extract<OpRecord, { kind: 'oom_score' }>;
      return [`${op.label} proc=${procName} oom_score=${r.score} oom_score_adj=${r.adj}`];
    }
    case 'cgstat': {
      if (rec.kind !== 'cgstat') bad();
      const r = rec as Extract<OpRecord, { kind: 'cgstat' }>;
      return [
        `${op.label} cgroup=${op.name} usage_kb=${r.usageKb} max_usage_kb=${r.maxUsageKb} limit_kb=${r.limitKb} memsw_usage_kb=${r.memswUsageKb} failcnt=${r.failcnt} oom_kill=${r.oomKill}`,
      ];
    }
    case 'events': {
      if (rec.kind !== 'events') bad();
      const r = rec as Extract<OpRecord, { kind: 'events' }>;
      return r.killed.length === 0 ? [`${op.label} none`] : r.killed.map((p) => `${op.label} oom_kill proc=${p}`);
    }
    case 'zoneinfo': {
      if (rec.kind !== 'zoneinfo') bad();
      const r = rec as Extract<OpRecord, { kind: 'zoneinfo' }>;
      const lines = r.zones.map(
        (z) =>
          `${op.label} zone=${z.name} managed_kb=${z.managedKb} free_kb=${z.freeKb} min_kb=${z.minKb} low_kb=${z.lowKb} high_kb=${z.highKb} protection_kb=${z.protectionKb.join(',')}`,
      );
      lines.push(`${op.label} pagetables_kb=${r.pagetablesKb} kmap_local=${r.kmaps}`);
      return lines;
    }
    case 'lru_gen': {
      if (rec.kind !== 'lru_gen') bad();
      const r = rec as Extract<OpRecord, { kind: 'lru_gen' }>;
      return r.gens.map((g) => `${op.label} memcg=${g.memcg} gen=${g.seq} age_ms=${g.ageMs} anon_kb=${g.anonKb} file_kb=${g.fileKb}`);
    }
    case 'report': {
      const { r, vmas } = smapsVmas(op.names);
      const parts = [`${op.label} proc=${procName} vmas=${vmas.length}`];
      for (const [key, get] of REPORT_FIELDS) parts.push(`${key}=${vmas.reduce((s, v) => s + get(v), 0)}`);
      parts.push(`minflt=${r.minflt}`, `majflt=${r.majflt}`);
      return [parts.join(' ')];
    }
    case 'vmas': {
      const { r, vmas } = smapsVmas(op.names);
      const lines = [`${op.label} proc=${procName} vmas=${vmas.length}`];
      for (const v of vmas) {
        const m = owner(v, r.maps)!;
        const first = (v.start - m.addr) / 4096;
        const end = (v.end - m.addr) / 4096;
        const vals = new Map(REPORT_FIELDS.map(([k, get]) => [k, get(v)]));
        const f = VMA_FIELDS.map((k) => `${k}=${vals.get(k)}`).join(' ');
        lines.push(
          `${op.label}   vma ${m.name}[${first}..${end}) ${v.perms} ${vmaKind(v.name)} ${f} thp_eligible=${field(v, 'THPeligible')} flags=${v.vmFlags.join(',')}`,
        );
      }
      return lines;
    }
    case 'hugetlb_vmas': {
      // The page sizes and hugetlb fields of each VMA's smaps (vma_kernel_pagesize, smaps_hugetlb_range).
      const { r, vmas } = smapsVmas(op.names);
      const lines = [`${op.label} proc=${procName} vmas=${vmas.length}`];
      for (const v of vmas) {
        const m = owner(v, r.maps)!;
        const f = HUGETLB_FIELDS.map(([k, name]) => `${k}=${field(v, name)}`).join(' ');
        // Shared_ plus Private_Hugetlb: how Linux 6.18 splits a 1 GiB page
        // between them varied from run to run here (docs/scenario-format.md).
        const hugetlb = field(v, 'Shared_Hugetlb') + field(v, 'Private_Hugetlb');
        lines.push(`${op.label}   vma ${m.name}[${(v.start - m.addr) / 4096}..${(v.end - m.addr) / 4096}) ${v.perms} ${f} hugetlb_kb=${hugetlb}`);
      }
      return lines;
    }
    case 'status': {
      if (rec.kind !== 'status') bad();
      const r = rec as Extract<OpRecord, { kind: 'status' }>;
      const now = statusFields(r.text);
      const base = statusFields(r.baseline);
      const parts = [`${op.label} proc=${procName}`];
      for (const [key, name] of STATUS_FIELDS) parts.push(`${key}=${(now.get(name) ?? 0) - (base.get(name) ?? 0)}`);
      return [parts.join(' ')];
    }
    default:
      return [];
  }
}

export interface FormattedRun {
  lines: string[];
  /** Set when the run stopped at a script error. */
  error: { line: number; message: string } | null;
}

/** Formats the records of a run, in operation order. */
export function formatRun(program: Program, records: RunRecords): FormattedRun {
  const lines: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const op = program.ops[i]!;
    const rec = records[i]!;
    if (rec.kind === 'error') return { lines, error: { line: op.line, message: rec.message } };
    lines.push(...formatOne(op, rec, program.procs[op.proc]!.name));
  }
  return { lines, error: null };
}
