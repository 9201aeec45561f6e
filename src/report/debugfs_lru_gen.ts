// /sys/kernel/debug/lru_gen in the kernel's format: for each memcg (the
// root first, then in creation order) and node, one line per generation
// from the oldest evictable one (the older of min_seq[anon] and
// min_seq[file]) to max_seq: its sequence number, age in ms, and anon and
// file pages. Linux: mm/vmscan.c lru_gen_seq_show() (the read-write file,
// not lru_gen_full), Documentation/admin-guide/mm/multigen_lru.rst:
//
//   memcg  memcg_id  memcg_path
//      node  node_id
//          min_gen_nr  age_in_ms  nr_anon_pages  nr_file_pages
//          ...
//          max_gen_nr  age_in_ms  nr_anon_pages  nr_file_pages
//
// printed with "memcg %5hu %s\n", " node %5d\n", " %10lu %10u" and
// " %10lu%c" per type (the mark is a space here), so each generation line
// ends with a space. Memcg ids are the kernel's (the root is 1; mmsim's
// cgroup N is N + 1), paths "/" and "/NAME"; mmsim has one node.
import type { Kernel } from '../kernel/kernel.js';
import { evictableMinSeq } from '../kernel/lru_gen_aging.js';
import { HZ, LRU_GEN_ANON, LRU_GEN_FILE, lruGenFromSeq, MAX_SWAPPINESS } from '../kernel/lru_gen.js';

function pad(n: number, w: number): string {
  return String(n).padStart(w);
}

/** One lruvec as lru_gen shows it: the kernel's memcg id, the cgroup path, its generations. */
export interface LruGenMemcg {
  id: number;
  path: string;
  gens: Array<{ seq: number; ageMs: number; anon: number; file: number }>;
}

/** What /sys/kernel/debug/lru_gen shows, as data (pages). */
export function lruGenGenerations(k: Kernel): LruGenMemcg[] {
  const g = k.lruGen;
  g.onlineMemcgs();
  const now = g.jiffies;
  return k.memcgs.map((m) => {
    const l = g.lruvec(m.id);
    const gens: LruGenMemcg['gens'] = [];
    for (let seq = evictableMinSeq(l.minSeq, MAX_SWAPPINESS / 2); seq <= l.maxSeq; seq++) {
      const gen = lruGenFromSeq(seq);
      gens.push({ seq, ageMs: ((now - l.timestamps[gen]!) * 1000) / HZ, anon: l.genSize(gen, LRU_GEN_ANON), file: l.genSize(gen, LRU_GEN_FILE) });
    }
    return { id: m.id + 1, path: m.id === 0 ? '/' : '/' + m.name, gens };
  });
}

/** The text of /sys/kernel/debug/lru_gen. */
export function debugfsLruGen(k: Kernel): string {
  let out = '';
  for (const m of lruGenGenerations(k)) {
    out += `memcg ${pad(m.id, 5)} ${m.path}\n`;
    out += ` node ${pad(0, 5)}\n`;
    for (const g of m.gens) out += ` ${pad(g.seq, 10)} ${pad(g.ageMs, 10)} ${pad(g.anon, 10)}  ${pad(g.file, 10)} \n`;
  }
  return out;
}
