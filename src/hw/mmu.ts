// The MMU of one core: translates every access through its TLB hierarchy
// and, on a miss, walks the kernel's 4-level page tables (page_table.ts)
// through its page-walk caches, with each entry read going through the data
// caches at the entry's physical address (the table's frame). It sets the
// Accessed and Dirty bits as the hardware does, fills the TLB with the page
// size of the leaf (4 KiB, 2 MiB PMD, 1 GiB PUD; 4 MiB PDE in 32-bit paging)
// and reports page faults to
// its caller, which runs the kernel's handler and retries (this file knows
// nothing of the kernel). Intel SDM vol. 3A, 4.7 (faults), 4.8 (A/D bits),
// 4.10 (TLBs and paging-structure caches). Cf. v86's do_page_translation.
// Simplifications: user-mode accesses only; no global pages or kernel half;
// a fault invalidates only the TLB entries of the faulting address; the
// walker's A/D update is one locked write of the leaf entry through L1d.
//
//   access(va) -- TLB hit, permitted ---------------------------------> caches
//        |-- TLB miss --> walk: PWC lookup, entry reads (L1d...), A/D, fill -^
//        |-- store to a clean entry --> re-walk to set D ------------------^
//        '-- not present / not permitted --> return -1 (fault* fields set)
import * as ch from './cache_hierarchy.js';
import type { CacheHitPath } from './cache.js';
import type { ReplacementPolicy } from './policies/replacement.js';
import type { CacheHierarchy } from './cache_hierarchy.js';
import type { PageTablePool } from './page_table.js';
import { PageWalkCache } from './pwc.js';
import * as pte from './pte.js';
import * as tlbBits from './tlb.js';
import type { TlbEntry, TlbHitPath } from './tlb.js';
import type { TlbHierarchy } from './tlb_hierarchy.js';

// Imported constants copied into module constants: under the ESM-to-CJS
// transform of the development loader every imported binding is a getter
// call, measurable on the per-access path.
const OP_FETCH = ch.OP_FETCH;
const OP_STORE = ch.OP_STORE;
const ENTRIES = 512;
const PTE_ACCESSED = pte.PTE_ACCESSED;
const PTE_DIRTY = pte.PTE_DIRTY;
const PTE_NX = pte.PTE_NX;
const PTE_PRESENT = pte.PTE_PRESENT;
const PTE_PSE = pte.PTE_PSE;
const PTE_RW = pte.PTE_RW;
const PTE_USER = pte.PTE_USER;
const TLB_DIRTY = tlbBits.TLB_DIRTY;
const TLB_NX = tlbBits.TLB_NX;
const TLB_USER = tlbBits.TLB_USER;
const TLB_WRITE = tlbBits.TLB_WRITE;
const KEY_VPN_SCALE = tlbBits.KEY_VPN_SCALE;

/** Counter indices into Mmu.counts. */
export const MMU_WALKS_4K = 0;
/**
 * Walks that ended at a PDE with PS: 2 MiB pages, or 4 MiB ones in 32-bit
 * paging (a machine has one or the other, never both; reports name the
 * count walks_4m on i386). One slot keeps the counters' layout fixed.
 */
export const MMU_WALKS_2M = 1;
export const MMU_WALKS_1G = 2;
/** Page-table entries read by walks (each one a line access through the caches). */
export const MMU_WALK_READS = 3;
/** Walks that set the Accessed bit of a leaf (one locked write each). */
export const MMU_A_SETS = 4;
/** Walks that set the Dirty bit, including dirty assists. */
export const MMU_D_SETS = 5;
/** Stores that hit a TLB entry without Dirty and re-walked to set it. */
export const MMU_DIRTY_ASSISTS = 6;
/** Faults reported: entry not present (P = 0 at some level). */
export const MMU_FAULTS_NOT_PRESENT = 7;
/** Faults reported: present but the access is not permitted (write to read-only, fetch from NX, supervisor page). */
export const MMU_FAULTS_PROTECTION = 8;
/** Accesses that straddle two pages (translated as two accesses). */
export const MMU_SPLITS = 9;
const N_COUNTS = 10;

/**
 * Per operation (OP_FETCH, OP_LOAD, OP_STORE): the TLB_* bits tested on a
 * hit, and the value they must have. A store needs Write and Dirty; a fetch
 * needs NX clear; a load needs nothing more than the hit (all entries are
 * user entries). One masked compare per access.
 */
const CHECK_MASK = Int32Array.of(TLB_NX, 0, TLB_WRITE | TLB_DIRTY);
const CHECK_WANT = Int32Array.of(0, 0, TLB_WRITE | TLB_DIRTY);

const FILL_INSTR = { instr: true };
const FILL_DATA = { instr: false };

/**
 * Way hints of the L1 caches: 4096 one-byte entries (256 KiB of physical
 * addresses with 64-byte lines), so that the lines a program alternates
 * between in one set rarely share an entry.
 */
const WAY_HINTS_MASK = 4095;

/**
 * The hit path of one access kind (instruction or data), inlined in
 * Mmu.access: the first L1 TLB array of the kind and its L1 cache (whose
 * hits the hierarchy's servedBy derives from the level's own counts). The
 * arrays are copied into this one object so that each is one field load
 * away on the per-access path, not two.
 *
 * Index arithmetic without Math.floor, which sits on the path's chain of
 * dependent operations (a multiply, a rounding, a conversion): for a page
 * of 2^shift bytes, `va >>> shift` is bits shift..31 of va (>>> reduces a
 * double modulo 2^32 exactly), so `(va >>> shift) & setMask` is the set when
 * shift + log2(sets) <= 32; and (va - (va & pageMask)) * keyScale is
 * vpn * 65536 (KEY_VPN_SCALE), the key's page part, exactly (a power-of-two scaling). E.g.
 * va 0x7f00_0060_1008, 4 KiB pages, 16 sets: va >>> 12 = 0x00601 (low 20
 * bits of the vpn 0x7f000601), & 15 = 1. The cache set likewise from pa.
 * `fast` is 0 for a geometry where these do not hold; access() then takes
 * the general path.
 *
 * Fields of the per-access classes of hw/ are `declare`d and assigned in
 * the constructor. A plain declaration compiles (ES2022 class fields) to a
 * field first defined as undefined, and V8 then keeps a number there as a
 * tagged value that every load tests for a small integer or a heap number
 * (and a typed array without its map known); assigned first in the
 * constructor, a field keeps the representation of its value. Measured:
 * 10% off a hit on a warm page, 4% off the program-like stream's hits, 7%
 * off a random reference through the cache hierarchy.
 */
class HitPath {
  // The first L1 TLB array (see TlbHitPath).
  declare readonly tPolicy: ReplacementPolicy;
  declare readonly tKey: Float64Array;
  declare readonly tPfn: Float64Array;
  declare readonly tFlags: Uint8Array;
  declare readonly tOffMask: Int32Array;
  declare readonly tMru: Int32Array;
  declare readonly tCounts: Float64Array;
  declare readonly tSetMask: number;
  declare readonly tWays: number;
  declare readonly tShift: number;
  declare readonly tPageMask: number;
  declare readonly tKeyScale: number;
  declare readonly tCodeKey: number;
  // The L1 cache (see CacheHitPath).
  declare readonly cPolicy: ReplacementPolicy;
  declare readonly cTags: Float64Array;
  declare readonly cMru: Int32Array;
  declare readonly cDirty: Uint8Array;
  declare readonly cCounts: Float64Array;
  declare readonly cSetMask: number;
  declare readonly cWays: number;
  /** By line number mod WAY_HINTS: the L1 way the line was last found in by a scan (a guess, checked). */
  declare readonly cWayHint: Uint8Array;
  declare readonly lineShift: number;
  declare readonly lineMask: number;
  declare readonly lineInv: number;
  /** 1 if the shifts above index this geometry, else 0 (a small integer: one compare, not a truthiness test). */
  declare readonly fast: number;
  constructor(t: TlbHitPath, c: CacheHitPath, lineBytes: number) {
    const pageShift = Math.round(-Math.log2(t.inv));
    this.tPolicy = t.policy;
    this.tKey = t.key;
    this.tPfn = t.pfn;
    this.tFlags = t.flags;
    this.tOffMask = t.offMask;
    this.tMru = t.mru;
    this.tCounts = t.counts;
    this.tSetMask = t.setMask;
    this.tWays = t.ways;
    // Small integers by construction (`|`, `<<`), so that V8 keeps these
    // fields as such; 2 ** n would make a heap number.
    this.tShift = pageShift | 0;
    this.tPageMask = pageShift <= 30 ? (1 << pageShift) - 1 : 0;
    this.tKeyScale = KEY_VPN_SCALE * t.inv;
    this.tCodeKey = t.codeKey;
    this.cPolicy = c.policy;
    this.cTags = c.tags;
    this.cMru = c.mru;
    this.cDirty = c.dirty;
    this.cCounts = c.counts;
    this.cSetMask = c.setMask;
    this.cWays = c.ways;
    this.cWayHint = new Uint8Array(WAY_HINTS_MASK + 1);
    this.lineShift = Math.round(Math.log2(lineBytes)) | 0;
    this.lineMask = (lineBytes - 1) | 0;
    this.lineInv = 1 / lineBytes;
    this.fast = +(pageShift <= 30 && pageShift + Math.log2(t.setMask + 1) <= 32 && this.lineShift + Math.log2(c.setMask + 1) <= 32 && this.lineShift + Math.log2(WAY_HINTS_MASK + 1) <= 32 && c.ways <= 256);
  }
}

/**
 * Per walk depth (0 = PGD ... 3 = PTE): the shift that selects the table
 * index (also the page shift of a leaf there; a PGD entry is never a leaf),
 * 2^-shift, and the offset mask of a leaf. The index is
 * floor(va * 2^-shift) & 511: multiplying by a power of two is exact, and
 * `&` takes the low bits of the (< 2^36) quotient exactly, where `%` and `**`
 * on doubles would be calls into the runtime. E.g. va 0x7f00_0060_1008 at
 * depth 3: floor(va / 4096) = 0x7f000601, & 511 = 0x001.
 */
const INDEX_SHIFT = Int32Array.of(39, 30, 21, 12);
const INDEX_SCALE = Float64Array.of(2 ** -39, 2 ** -30, 2 ** -21, 2 ** -12);

/** Paging modes (Mmu.paging): which entries of the pool's 4-level walk the hardware reads, and where. */
export const PAGING_X86_64 = 0;
/** 32-bit paging (SDM 4.3): a page directory and page tables of 1024 4-byte entries. */
export const PAGING_I386 = 1;
/** PAE paging (SDM 4.4): the four PDPTEs are loaded into registers at a CR3 write, so a walk reads a PDE and a PTE of 8 bytes. */
export const PAGING_PAE = 2;
// By paging mode × depth of the pool walk (PGD, PUD, PMD, PTE): the real
// table's index shift and mask, and its entry size; size 0 marks a level
// that the hardware does not read (folded into the next, or PAE's PDPT).
// On i386 the pool's two PTE tables of a 4 MiB region share one frame,
// which (va >> 12) & 1023 indexes whole.
const WALK_SHIFT = Int32Array.of(39, 30, 21, 12, 22, 0, 0, 12, 0, 0, 21, 12);
const WALK_MASK = Int32Array.of(511, 511, 511, 511, 1023, 0, 0, 1023, 0, 0, 511, 511);
const WALK_SIZE = Int32Array.of(8, 8, 8, 8, 4, 0, 0, 4, 0, 0, 8, 8);
const LEAF_OFFSET_MASK = Int32Array.of(0, 2 ** 30 - 1, 2 ** 21 - 1, 4095);

export class Mmu {
  // Fields are `declare`d so that V8 keeps numbers untagged (see HitPath).
  declare readonly tlb: TlbHierarchy;
  declare readonly pwc: PageWalkCache;
  declare readonly caches: CacheHierarchy;
  readonly counts = new Float64Array(N_COUNTS);
  /** The page tables the walker reads (the kernel's pool); null until set. */
  pool: PageTablePool | null = null;
  /** After access() returned 0: the physical address of the access's first byte. */
  pa = 0;
  /** CR3: table id of the loaded PGD in `pool`, -1 when no user address space is loaded. */
  root = -1;
  /** PCID of the loaded address space: the tag of new TLB and PWC entries. */
  pcid = 0;
  /** The paging mode the walker reads the tables in: PAGING_X86_64, PAGING_I386 or PAGING_PAE. */
  paging = PAGING_X86_64;
  /** After access() returned -1: the faulting address and the #PF error-code bits. */
  faultAddr = 0;
  faultPresent = false;
  faultWrite = false;
  faultExec = false;
  /** By operation (OP_FETCH, OP_LOAD, OP_STORE): an indexed load, not a mispredicted branch on the kind. */
  private declare readonly paths: HitPath[];
  private readonly entry: TlbEntry = { pageShift: 12, pfn: 0, flags: 0 };
  private readonly tableEntry: TlbEntry = { pageShift: 21, pfn: 0, flags: 0 };

  constructor(tlb: TlbHierarchy, caches: CacheHierarchy, pwc: PageWalkCache = new PageWalkCache()) {
    this.tlb = tlb;
    this.caches = caches;
    this.pwc = pwc;
    const data = new HitPath(tlb.l1d[0]!.hitPath(), caches.l1d.hitPath(), caches.lineBytes);
    const instr = new HitPath(tlb.l1i[0]!.hitPath(), caches.l1i.hitPath(), caches.lineBytes);
    this.paths = [instr, data, data];
  }

  /**
   * One user access: OP_FETCH, OP_LOAD or OP_STORE of `size` (1..4096)
   * bytes at `va`. Returns 0 after the cache access, with the physical
   * address of its first byte in `pa`; or -1 on a page fault (faultAddr...
   * describe it; the caches were not accessed), after which the caller
   * resolves the fault and calls again. An access that straddles two pages
   * is two accesses. (The address goes through a field because a returned
   * double above 2^30 would be boxed: an allocation per access.)
   *
   * The hit path, inlined here as in v86: the set of the first L1 TLB
   * array (most recently used way first, then the others), one masked
   * compare of the entry's permission bits, then the set of the L1 cache
   * (the same way), with the counters and replacement updates those hits
   * make. Any other case continues on a cold path from the point reached,
   * so nothing is probed or counted twice: the rest of the TLB hierarchy
   * and the walk (tlbMiss), a permission miss (denied), an L1 miss
   * (CacheHierarchy.missL1), a straddling line or page (the general paths).
   * On the benchmark's program-like stream, 27% of the data references hit
   * an L1 dTLB way other than the set's most recent one, and 47% an L1d way
   * (a stack frame and a table alternate in the same sets), so both scans
   * stay inline; those are the path's mispredicted branches.
   */
  access(va: number, size: number, op: number): number {
    // `& 4095` keeps the low 12 bits of a 48-bit address exactly (ToInt32 is modulo 2^32).
    if ((va & 4095) + size > 4096) return this.accessSplit(va, size, op);
    const h = this.paths[op]!;
    if (h.fast === 0) return this.accessGeneral(va, size, op);
    const set = (va >>> h.tShift) & h.tSetMask;
    const base = set * h.tWays;
    const keys = h.tKey;
    const k = (va - (va & h.tPageMask)) * h.tKeyScale + h.tCodeKey;
    const kAsid = k + this.pcid;
    const kGlobal = k + 4096;
    let m = base + h.tMru[set]!;
    let key = keys[m]!;
    if (key !== kAsid && key !== kGlobal) {
      const end = base + h.tWays;
      m = base;
      while (m < end && (key = keys[m]!) !== kAsid && key !== kGlobal) m++;
      if (m === end) return this.tlbMiss(va, size, op);
      h.tMru[set] = m - base;
      h.tPolicy.touch(set, m - base);
    }
    h.tCounts[0]!++; // TLB_HITS
    const flags = h.tFlags[m]!;
    if ((flags & CHECK_MASK[op]!) !== CHECK_WANT[op]) return this.denied(va, size, op, flags);
    const pa = h.tPfn[m]! * 4096 + (va & h.tOffMask[m]!);
    this.pa = pa;
    const lineOff = pa & h.lineMask;
    if (lineOff + size > h.lineMask + 1) {
      this.caches.access(pa, size, op); // two lines
      return 0;
    }
    const line = (pa - lineOff) * h.lineInv;
    const cs = (pa >>> h.lineShift) & h.cSetMask;
    const cbase = cs * h.cWays;
    const tags = h.cTags;
    let s = cbase + h.cMru[cs]!;
    if (tags[s] !== line) {
      // Not the set's last way: the way this line was found in last time
      // (a line sits in one way at most, so any match is the match), else
      // a scan of the set, whose exit is a mispredicted branch.
      const hi = (pa >>> h.lineShift) & WAY_HINTS_MASK;
      s = cbase + h.cWayHint[hi]!;
      if (tags[s] !== line) {
        const end = cbase + h.cWays;
        s = cbase;
        while (s < end && tags[s] !== line) s++;
        if (s === end) {
          this.caches.missL1(line, op);
          return 0;
        }
        h.cWayHint[hi] = s - cbase;
      }
      h.cMru[cs] = s - cbase;
      h.cPolicy.touch(cs, s - cbase);
    }
    // Without a branch on the operation: op >> 1 is 1 for a store only,
    // op & 2 is C_WRITE_HITS (2) for a store, C_READ_HITS (0) otherwise.
    h.cDirty[s]! |= op >> 1;
    h.cCounts[op & 2]!++;
    return 0;
  }

  /** access() without the inlined hit path (the same effects: test/hw/mmu.test.ts). */
  private accessGeneral(va: number, size: number, op: number): number {
    const pa = this.translate(va, op);
    if (pa < 0) return -1;
    this.pa = pa;
    this.caches.access(pa, size, op);
    return 0;
  }

  /**
   * Cold path of access(): the first L1 TLB array's set missed (nothing
   * counted yet). The rest of the TLB hierarchy, else a walk; then the caches.
   */
  private tlbMiss(va: number, size: number, op: number): number {
    let pa = this.tlb.translateRest(va, this.pcid, op === OP_FETCH);
    if (pa < 0) {
      pa = this.walk(va, op);
      if (pa < 0) return -1;
    } else if ((this.tlb.lastFlags & CHECK_MASK[op]!) !== CHECK_WANT[op]) {
      pa = this.permissionMiss(va, op, this.tlb.lastFlags);
      if (pa < 0) return -1;
    }
    this.pa = pa;
    this.caches.access(pa, size, op);
    return 0;
  }

  /** Cold path of access(): a first-array TLB hit (counted) whose entry's `flags` do not permit the access. */
  private denied(va: number, size: number, op: number, flags: number): number {
    this.tlb.lastFlags = flags;
    const pa = this.permissionMiss(va, op, flags);
    if (pa < 0) return -1;
    this.pa = pa;
    this.caches.access(pa, size, op);
    return 0;
  }

  /**
   * Translates without touching the caches: the physical address, or -1
   * with the fault fields set. Same TLB, walk and A/D effects as access().
   */
  translate(va: number, op: number): number {
    const pa = this.tlb.translate(va, this.pcid, op === OP_FETCH);
    if (pa < 0) return this.walk(va, op);
    if ((this.tlb.lastFlags & CHECK_MASK[op]!) !== CHECK_WANT[op]) return this.permissionMiss(va, op, this.tlb.lastFlags);
    return pa;
  }

  /** Cold path: both pages of a straddling access, each translated (and faulting) on its own. */
  private accessSplit(va: number, size: number, op: number): number {
    this.counts[MMU_SPLITS]++;
    const first = 4096 - (va & 4095);
    const pa0 = this.translate(va, op);
    if (pa0 < 0) return -1;
    const pa1 = this.translate(va + first, op);
    if (pa1 < 0) return -1;
    this.pa = pa0;
    this.caches.access(pa0, first, op);
    this.caches.access(pa1, size - first, op);
    return 0;
  }

  /**
   * Cold path: a TLB hit, through an entry with flags `f`, that does not
   * permit the access. A store through a writable entry without Dirty
   * re-walks the page tables to set Dirty (the hardware's assist: the entry
   * in memory may have changed); anything else is a protection fault,
   * which drops the address's TLB entries first.
   */
  private permissionMiss(va: number, op: number, f: number): number {
    if (op === OP_STORE && (f & TLB_WRITE) !== 0) {
      this.counts[MMU_DIRTY_ASSISTS]++;
      return this.walk(va, op);
    }
    this.tlb.invlpg(va, this.pcid);
    return this.fault(va, op, true);
  }

  private fault(va: number, op: number, present: boolean): number {
    this.faultAddr = va;
    this.faultPresent = present;
    this.faultWrite = op === OP_STORE;
    this.faultExec = op === OP_FETCH;
    this.counts[present ? MMU_FAULTS_PROTECTION : MMU_FAULTS_NOT_PRESENT]++;
    return -1;
  }

  /**
   * Cold path: the page walk. The page-walk caches say at which depth to
   * start (and in which table); every entry read from there on is a line
   * access through the data caches at tablePfn * 4096 + index * 8. Upper
   * entries read are cached in the PWC; the leaf gets Accessed (and Dirty
   * for a store) with one locked write, and fills the TLB. Returns the
   * physical address, or -1 after a fault (nothing is cached for it).
   *
   *   depth 0 PGD --> 1 PUD (leaf if PS: 1 GiB) --> 2 PMD (leaf if PS: 2 MiB; 4 MiB on i386) --> 3 PTE
   */
  private walk(va: number, op: number): number {
    const pool = this.pool;
    if (pool === null || this.root < 0) return this.fault(va, op, false);
    const pcid = this.pcid;
    const reads = this.pwc.lookup(va, pcid);
    let depth = 4 - reads;
    let table = reads === 4 ? this.root : this.pwc.nextTablePfn;
    const flags = pool.flags;
    const vals = pool.val;
    // Permissions are the AND of RW and US over the levels, NX the OR (SDM 4.6).
    let allow = PTE_RW | PTE_USER;
    let nx = 0;
    let e: number;
    let f: number;
    for (;;) {
      const idx = Math.floor(va * INDEX_SCALE[depth]!) & (ENTRIES - 1);
      e = table * ENTRIES + idx;
      if (this.paging === PAGING_X86_64) {
        this.caches.walk(pool.tablePfn[table]! * 4096 + idx * 8, false);
        this.counts[MMU_WALK_READS]++;
      } else this.walkRead32(pool.tablePfn[table]!, va, depth, false);
      f = flags[e]!;
      if ((f & PTE_PRESENT) === 0) return this.fault(va, op, false);
      allow &= f;
      nx |= f & PTE_NX;
      if (depth === 3 || (depth > 0 && (f & PTE_PSE) !== 0)) break;
      // An entry pointing to the next table: cache it (PML4E, PDPTE or PDE).
      // 32-bit and PAE paging have a PDE cache only (SDM 4.10.3.1: the PML4E
      // and PDPTE caches are for 4- and 5-level paging): their pool PGD and
      // PUD entries are not real entries (PAE's PDPTEs sit in registers).
      const next = vals[e]!;
      if (this.paging === PAGING_X86_64 || depth === 2) {
        const t = this.tableEntry;
        t.pageShift = INDEX_SHIFT[depth]!;
        t.pfn = next;
        t.flags = 0;
        this.pwc.fill(va, pcid, t);
      }
      table = next;
      depth++;
    }
    const isWrite = op === OP_STORE;
    if ((allow & PTE_USER) === 0 || (isWrite && (allow & PTE_RW) === 0) || (op === OP_FETCH && nx !== 0)) {
      return this.fault(va, op, true);
    }
    if (depth === 2 && this.paging === PAGING_I386) return this.leaf4m(va, op, e, f, allow, nx);
    const set = PTE_ACCESSED | (isWrite ? PTE_DIRTY : 0);
    if ((f & set) !== set) {
      // One locked read-modify-write of the leaf entry.
      if (this.paging === PAGING_X86_64) this.caches.walk(pool.tablePfn[table]! * 4096 + (e & (ENTRIES - 1)) * 8, true);
      else this.walkRead32(pool.tablePfn[table]!, va, depth, true);
      if ((f & PTE_ACCESSED) === 0) this.counts[MMU_A_SETS]++;
      if (isWrite && (f & PTE_DIRTY) === 0) this.counts[MMU_D_SETS]++;
      f |= set;
      flags[e] = f;
    }
    const shift = INDEX_SHIFT[depth]!;
    this.counts[shift === 12 ? MMU_WALKS_4K : shift === 21 ? MMU_WALKS_2M : MMU_WALKS_1G]++;
    const en = this.entry;
    en.pageShift = shift;
    en.pfn = vals[e]!;
    en.flags = TLB_USER | ((allow & PTE_RW) !== 0 ? TLB_WRITE : 0) | (nx !== 0 ? TLB_NX : 0) | ((f & PTE_DIRTY) !== 0 ? TLB_DIRTY : 0);
    this.tlb.fill(va, pcid, en, op === OP_FETCH ? FILL_INSTR : FILL_DATA);
    return en.pfn * 4096 + (va & LEAF_OFFSET_MASK[depth]!);
  }

  /**
   * The end of a 32-bit paging walk at a PDE with PS (CR4.PSE): a 4 MiB page
   * (SDM vol. 3A 4.3, table 4-4). The kernel's pool holds that one PDE as
   * two PS entries of its PMD table (slots 2i and 2i+1, the second pointing
   * 512 frames further: kernel/hugetlb.ts), already read as the one 4-byte
   * PDE at depth 0. A/D go into the PDE (one locked write, SDM 4.8), so into
   * both halves; the TLB gets one entry of page shift 22 for the first half's
   * frame, counted with the PDE-leaf walks (MMU_WALKS_2M). `e` is the half the address falls in, `f` its flags; `allow` and
   * `nx` the walk's permissions, already checked. Example: va 0x10a01234 in a page at frame 0x40000:
   * PDE 0x10a01234 >>> 22 = 66, pa = 0x40000 * 4096 + 0x201234.
   */
  private leaf4m(va: number, op: number, e: number, f: number, allow: number, nx: number): number {
    const pool = this.pool!;
    const first = e - (e & 1);
    const set = PTE_ACCESSED | (op === OP_STORE ? PTE_DIRTY : 0);
    if ((f & set) !== set) {
      this.walkRead32(pool.tablePfn[this.root]!, va, 0, true);
      if ((f & PTE_ACCESSED) === 0) this.counts[MMU_A_SETS]++;
      if (op === OP_STORE && (f & PTE_DIRTY) === 0) this.counts[MMU_D_SETS]++;
      f |= set;
      pool.flags[first] |= set;
      pool.flags[first + 1] |= set;
    }
    this.counts[MMU_WALKS_2M]++;
    const en = this.entry;
    en.pageShift = 22;
    en.pfn = pool.val[first]!;
    en.flags = TLB_USER | ((allow & PTE_RW) !== 0 ? TLB_WRITE : 0) | (nx !== 0 ? TLB_NX : 0) | ((f & PTE_DIRTY) !== 0 ? TLB_DIRTY : 0);
    this.tlb.fill(va, this.pcid, en, op === OP_FETCH ? FILL_INSTR : FILL_DATA);
    return en.pfn * 4096 + (va & 0x3fffff);
  }

  /** A 32-bit or PAE walk's access to the entry of `va` at `depth` in table frame `pfn`, if the hardware reads that level. */
  private walkRead32(pfn: number, va: number, depth: number, write: boolean): void {
    const m = this.paging * 4 + depth;
    const size = WALK_SIZE[m]!;
    if (size === 0) return;
    // A 32-bit address: >>> is exact.
    this.caches.walk(pfn * 4096 + ((va >>> WALK_SHIFT[m]!) & WALK_MASK[m]!) * size, write);
    if (!write) this.counts[MMU_WALK_READS]++;
  }

  /** INVLPG of `va` in the loaded PCID: TLB entries of the address, and (SDM 4.10.4.1) the PCID's page-walk caches. */
  invlpg(va: number): void {
    this.tlb.invlpg(va, this.pcid);
    this.pwc.invlpg(va, this.pcid);
  }

  /** Drops everything tagged `pcid` in the TLBs and page-walk caches (a CR3 write without NOFLUSH, INVPCID single-context). */
  flushPcid(pcid: number): void {
    this.tlb.flushAsid(pcid);
    this.pwc.flushAsid(pcid);
  }

  /** Drops every entry (INVPCID all-context, or CR4.PGE toggle). */
  flushAll(): void {
    this.tlb.flushAll();
    this.pwc.flushAll();
  }

  /** Counters by name. */
  stats(): { walks4k: number; walks2m: number; walks1g: number; walkReads: number; aSets: number; dSets: number; dirtyAssists: number; faultsNotPresent: number; faultsProtection: number; splits: number } {
    const c = this.counts;
    return {
      walks4k: c[MMU_WALKS_4K]!,
      walks2m: c[MMU_WALKS_2M]!,
      walks1g: c[MMU_WALKS_1G]!,
      walkReads: c[MMU_WALK_READS]!,
      aSets: c[MMU_A_SETS]!,
      dSets: c[MMU_D_SETS]!,
      dirtyAssists: c[MMU_DIRTY_ASSISTS]!,
      faultsNotPresent: c[MMU_FAULTS_NOT_PRESENT]!,
      faultsProtection: c[MMU_FAULTS_PROTECTION]!,
      splits: c[MMU_SPLITS]!,
    };
  }
}
