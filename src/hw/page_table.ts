// x86-64 4-level page tables as one pool of 512-entry tables in typed arrays.
// Linux: the pgd/pud/pmd/pte levels of include/linux/pgtable.h (p4d folded).
// The pool only stores entries; which frame backs a table, and when tables
// are allocated and freed, is the kernel's business (kernel/pgtable.ts).
//
//   vpn (36 bits) = | PGD 9 | PUD 9 | PMD 9 | PTE 9 |
//
// An upper-level entry holds the id of the next table in `val`; a leaf entry
// (a PTE, or a PMD/PUD with PTE_PSE) holds a PFN; a non-present, non-empty
// entry holds a swap entry. An entry with flags 0 and val 0 is empty (pte_none).
import { PTE_PRESENT, PTE_PSE } from './pte.js';

/** Table levels, numbered as the walk descends. */
export const LEVEL_PGD = 4;
export const LEVEL_PUD = 3;
export const LEVEL_PMD = 2;
export const LEVEL_PTE = 1;

export const ENTRIES = 512;

export function pgdIndex(vpn: number): number {
  return Math.floor(vpn / 134217728) & 511;
}
export function pudIndex(vpn: number): number {
  return Math.floor(vpn / 262144) & 511;
}
export function pmdIndex(vpn: number): number {
  return Math.floor(vpn / 512) & 511;
}
export function pteIndex(vpn: number): number {
  return vpn & 511;
}

export class PageTablePool {
  // Fields are `declare`d so that V8 keeps numbers untagged (see mmu.ts HitPath).
  /** Entry values and flags, table id * 512 + index. */
  declare val: Int32Array;
  declare flags: Uint16Array;
  /** Per table: backing frame, level, number of non-empty entries. */
  declare tablePfn: Int32Array;
  declare tableLevel: Uint8Array;
  declare tableUsed: Int16Array;
  private declare capacity: number;
  private next = 0;
  private readonly freeIds: number[] = [];
  /** Level of the entry the last walk() stopped at (LEVEL_PTE for a 4K leaf). */
  walkLevel = 0;

  constructor(initialTables = 64) {
    this.capacity = initialTables;
    this.val = new Int32Array(initialTables * ENTRIES);
    this.flags = new Uint16Array(initialTables * ENTRIES);
    this.tablePfn = new Int32Array(initialTables);
    this.tableLevel = new Uint8Array(initialTables);
    this.tableUsed = new Int16Array(initialTables);
  }

  /** Number of tables in use. */
  get liveTables(): number {
    return this.next - this.freeIds.length;
  }

  /** Creates an empty table at `level`, backed by frame `pfn`; returns its id. */
  alloc(level: number, pfn: number): number {
    let id = this.freeIds.pop();
    if (id === undefined) {
      if (this.next === this.capacity) this.grow();
      id = this.next++;
    }
    this.val.fill(0, id * ENTRIES, (id + 1) * ENTRIES);
    this.flags.fill(0, id * ENTRIES, (id + 1) * ENTRIES);
    this.tablePfn[id] = pfn;
    this.tableLevel[id] = level;
    this.tableUsed[id] = 0;
    return id;
  }

  /** Returns a table to the pool. Precondition: no entry refers to it any more. */
  release(id: number): void {
    this.tableLevel[id] = 0;
    this.freeIds.push(id);
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const val = new Int32Array(cap * ENTRIES);
    val.set(this.val);
    const flags = new Uint16Array(cap * ENTRIES);
    flags.set(this.flags);
    const pfn = new Int32Array(cap);
    pfn.set(this.tablePfn);
    const level = new Uint8Array(cap);
    level.set(this.tableLevel);
    const used = new Int16Array(cap);
    used.set(this.tableUsed);
    this.val = val;
    this.flags = flags;
    this.tablePfn = pfn;
    this.tableLevel = level;
    this.tableUsed = used;
    this.capacity = cap;
  }

  /** Sets entry `slot` of `table`, keeping the table's used count. */
  set(table: number, slot: number, flags: number, val: number): void {
    const e = table * ENTRIES + slot;
    const wasEmpty = this.flags[e] === 0 && this.val[e] === 0;
    const isEmpty = flags === 0 && val === 0;
    this.flags[e] = flags;
    this.val[e] = val;
    if (wasEmpty && !isEmpty) this.tableUsed[table]!++;
    else if (!wasEmpty && isEmpty) this.tableUsed[table]!--;
  }

  /** Empties entry `e` (a flat index, table * 512 + slot). */
  clearEntry(e: number): void {
    if (this.flags[e] === 0 && this.val[e] === 0) return;
    this.flags[e] = 0;
    this.val[e] = 0;
    this.tableUsed[Math.floor(e / ENTRIES)]!--;
  }

  /**
   * The hardware walk: returns the flat index of the leaf entry mapping `vpn`
   * (a PTE, or a PMD/PUD with PTE_PSE), or -1 when an upper level is not
   * present. Sets walkLevel to the leaf's level. The leaf itself may be
   * non-present; the caller tests its flags.
   */
  walk(root: number, vpn: number): number {
    const flags = this.flags;
    const val = this.val;
    let e = root * ENTRIES + pgdIndex(vpn);
    if (!(flags[e]! & PTE_PRESENT)) return -1;
    e = val[e]! * ENTRIES + pudIndex(vpn);
    let f = flags[e]!;
    if (!(f & PTE_PRESENT)) return -1;
    if (f & PTE_PSE) {
      this.walkLevel = LEVEL_PUD;
      return e;
    }
    e = val[e]! * ENTRIES + pmdIndex(vpn);
    f = flags[e]!;
    if (f & PTE_PSE) {
      this.walkLevel = LEVEL_PMD;
      return e;
    }
    if (!(f & PTE_PRESENT)) return -1;
    this.walkLevel = LEVEL_PTE;
    return val[e]! * ENTRIES + pteIndex(vpn);
  }
}
