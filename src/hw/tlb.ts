// One set-associative translation array: a TLB for one or more page sizes,
// tagged with a PCID/ASID, with global entries, INVLPG, flush by ASID and full
// flush. It is also the storage of the page-walk caches (pwc.ts), whose
// entries are TLB-like (virtual-address prefix -> physical frame).
// Linux: arch/x86/mm/tlb.c is the software side; this is the hardware it drives.
// Simplifications: no entry holds more than one page; INVLPG drops the
// address's entries for the given ASID and global ones, never other ASIDs'.
//
// Layout (v86 style): struct-of-arrays over slots, slot = set * ways + way.
// Each slot's tag is ONE double so a hit is one compare:
//
//   key = ((vpn * 8 + sizeCode) * 8192) + (global ? 4096 : asid)
//          36-bit vpn, 3-bit size code, 13-bit ASID field  -> < 2^52, exact
//
// e.g. vpn 0x7fff0, 4 KiB (code 0), ASID 3: key = 0x7fff0 * 8 * 8192 + 3.
// -1 marks an invalid slot. Filled slots are recorded so that flushes cost
// what was filled, not the size of the array (v86 valid_tlb_entries).
import { makePolicy, type ReplacementName, type ReplacementPolicy } from './policies/replacement.js';

/** PCIDs are 12 bits (CR3[11:0]); ASIDs in this model use the same range. */
export const MAX_ASID = 4095;
/** Value of the key's ASID field that marks a global entry (matches every ASID). */
const ASID_GLOBAL = 4096;
const ASID_SPAN = 8192;
/** Size codes per vpn in the key (3 bits). */
const CODES = 8;
/** vpn * KEY_VPN_SCALE is a key's page part: CODES * ASID_SPAN. */
export const KEY_VPN_SCALE = CODES * ASID_SPAN;

/** Entry permission and state bits (TlbEntry.flags), tested with one mask. */
export const TLB_WRITE = 1;
export const TLB_USER = 2;
export const TLB_NX = 4;
export const TLB_DIRTY = 8;
export const TLB_GLOBAL = 16;

/**
 * Page shifts this model knows, by size code: 4 KiB, 2 MiB, 1 GiB, 512 GiB
 * (PML4E reach, used by the PWC), and 4 MiB (a PDE with PS in 32-bit paging,
 * SDM vol. 3A 4.3).
 */
const SHIFT_BY_CODE = [12, 21, 30, 39, 22] as const;

/** Counter indices into TlbArray.counts. */
export const TLB_HITS = 0;
export const TLB_MISSES = 1;
export const TLB_FILLS = 2;
export const TLB_EVICTIONS = 3;
export const TLB_INVALIDATIONS = 4;
export const TLB_FLUSHES = 5;
const N_COUNTS = 6;

export interface TlbArrayOptions {
  /** Total entries; must be ways * (a power of two). */
  entries: number;
  /** Associativity; ways = entries means fully associative. */
  ways: number;
  /** Page shifts held, probed in this order (e.g. [12] or [12, 21] for a shared STLB). */
  pageShifts: readonly number[];
  policy?: ReplacementName;
  seed?: number;
  /** For messages and reports ("L1 dTLB 4K"). */
  name?: string;
}

/** What a fill installs. Callers keep one and mutate it, so fills allocate nothing. */
export interface TlbEntry {
  /** log2 of the page size (12, 21, 22, 30; 39 for a PML4E cache). */
  pageShift: number;
  /** 4 KiB frame number of the first byte of the mapping (pa / 4096); aligned to the page size. */
  pfn: number;
  /** TLB_* bits; TLB_GLOBAL makes the entry match every ASID. */
  flags: number;
}

/**
 * The arrays behind an array's hit path, for the MMU, which inlines that
 * path (mmu.ts): with vpn = floor(va * inv) and set = vpn & setMask, a hit
 * is key[m] === vpn * KEY_VPN_SCALE + codeKey + (asid or 4096) for a slot m of the
 * set (slots set * ways ... set * ways + ways - 1), the set's mru way first.
 * A hit counts counts[TLB_HITS]; a hit off the mru way also sets mru[set]
 * and calls policy.touch(set, way). A miss in the first page size's set
 * continues with TlbArray.probeRest(), which has changed nothing yet.
 */
export interface TlbHitPath {
  readonly policy: ReplacementPolicy;
  readonly key: Float64Array;
  readonly pfn: Float64Array;
  readonly flags: Uint8Array;
  readonly offMask: Int32Array;
  readonly mru: Int32Array;
  readonly counts: Float64Array;
  readonly setMask: number;
  readonly ways: number;
  readonly inv: number;
  readonly codeKey: number;
}

/** A decoded valid entry, for tests and reports (not for hot paths). */
export interface TlbEntryView {
  slot: number;
  vpn: number;
  pageShift: number;
  asid: number;
  global: boolean;
  pfn: number;
  flags: number;
}

function codeOfShift(shift: number): number {
  const c = SHIFT_BY_CODE.indexOf(shift as 12);
  if (c < 0) throw new Error(`unsupported page shift ${shift} (expected one of ${SHIFT_BY_CODE.join(', ')})`);
  return c;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

export class TlbArray {
  // Fields are `declare`d so that V8 keeps numbers untagged (see mmu.ts HitPath).
  declare readonly name: string;
  declare readonly sets: number;
  declare readonly ways: number;
  declare readonly pageShifts: readonly number[];
  declare readonly policy: ReplacementPolicy;
  /** Counters, indexed by TLB_HITS... (a typed array, so counting never allocates). */
  readonly counts = new Float64Array(N_COUNTS);

  private declare readonly setMask: number;
  private declare readonly key: Float64Array;
  private declare readonly pfn: Float64Array;
  private declare readonly flags: Uint8Array;
  /** Offset mask of the slot's page size (size - 1; int32 covers pages up to 1 GiB). */
  private declare readonly offMask: Int32Array;
  /** log2 of the slot's page size. */
  private declare readonly shift: Uint8Array;
  /** Way hit or filled last in each set: the one-compare fast path looks there first. */
  private declare readonly mru: Int32Array;
  /** Slots filled since the last full flush (may include since-invalidated ones). */
  private declare readonly filled: Int32Array;
  private filledLen = 0;
  private declare readonly inList: Uint8Array;
  /** First held size, inlined in the fast path: 1 / size (exact, a power of two) and code * 8192. */
  private declare readonly inv0: number;
  private declare readonly codeKey0: number;
  private declare readonly sizes: Float64Array;
  /** 1 / size of each held page size: exact (powers of two), and a multiply is cheaper than a divide. */
  private declare readonly invs: Float64Array;
  private declare readonly codes: Int32Array;
  /** Index into pageShifts of each page shift 0..63, or -1 if not held. */
  private declare readonly indexOfShift: Int8Array;

  constructor(opts: TlbArrayOptions) {
    const { entries, ways } = opts;
    this.name = opts.name ?? 'TLB';
    if (!Number.isInteger(ways) || ways < 1 || ways > entries || entries % ways !== 0 || !isPowerOfTwo(entries / ways)) {
      throw new Error(`${this.name}: ${entries} entries / ${ways} ways does not give a power-of-two number of sets`);
    }
    if (opts.pageShifts.length === 0) throw new Error(`${this.name}: no page size`);
    this.sets = entries / ways;
    this.ways = ways;
    this.setMask = this.sets - 1;
    this.pageShifts = [...opts.pageShifts];
    this.codes = Int32Array.from(this.pageShifts, codeOfShift);
    this.sizes = Float64Array.from(this.pageShifts, (s) => 2 ** s);
    this.invs = Float64Array.from(this.sizes, (s) => 1 / s);
    this.indexOfShift = new Int8Array(64).fill(-1);
    this.pageShifts.forEach((s, i) => {
      if (this.indexOfShift[s] === -1) this.indexOfShift[s] = i;
    });
    this.inv0 = this.invs[0];
    this.codeKey0 = this.codes[0] * ASID_SPAN;
    this.key = new Float64Array(entries).fill(-1);
    this.pfn = new Float64Array(entries);
    this.flags = new Uint8Array(entries);
    this.offMask = new Int32Array(entries);
    this.shift = new Uint8Array(entries);
    this.mru = new Int32Array(this.sets);
    this.filled = new Int32Array(entries);
    this.inList = new Uint8Array(entries);
    this.policy = makePolicy(opts.policy ?? 'lru', { sets: this.sets, ways }, { seed: opts.seed ?? 1 });
  }

  get entries(): number {
    return this.sets * this.ways;
  }

  /** The arrays of the hit path (see TlbHitPath). */
  hitPath(): TlbHitPath {
    return { policy: this.policy, key: this.key, pfn: this.pfn, flags: this.flags, offMask: this.offMask, mru: this.mru, counts: this.counts, setMask: this.setMask, ways: this.ways, inv: this.inv0, codeKey: this.codeKey0 };
  }

  /**
   * Finds the entry translating `va` for `asid` (or a global one).
   * Returns its slot, or -1 on a miss. Counts a hit or a miss and updates
   * replacement state. Precondition: 0 <= asid <= MAX_ASID.
   */
  probe(va: number, asid: number): number {
    // An array with nothing filled since its last flush (the huge-page
    // arrays of a process without huge pages) misses without a search:
    // every valid slot is in the filled list.
    if (this.filledLen === 0) {
      this.counts[TLB_MISSES]++;
      return -1;
    }
    const vpn = Math.floor(va * this.inv0);
    // `& setMask` takes the low bits of the double exactly (ToInt32 is modulo 2^32).
    const set = vpn & this.setMask;
    const k = vpn * KEY_VPN_SCALE + this.codeKey0; // (vpn * 8 + code) * 8192
    const base = set * this.ways;
    const m = base + this.mru[set];
    const t = this.key[m];
    if (t === k + asid || t === k + 4096) {
      this.counts[0]++; // TLB_HITS
      return m;
    }
    // The other ways of the first page size, still inline.
    const key = this.key;
    for (let i = base, end = base + this.ways; i < end; i++) {
      const u = key[i];
      if (u === k + asid || u === k + 4096) {
        this.mru[set] = i - base;
        this.policy.touch(set, i - base);
        this.counts[0]++;
        return i;
      }
    }
    return this.probeRest(va, asid);
  }

  /**
   * Finds the entry for `va` and `asid` (or a global one) without counting
   * or touching replacement state. Returns the slot or -1. For cold paths.
   */
  find(va: number, asid: number): number {
    for (let i = 0; i < this.sizes.length; i++) {
      const vpn = Math.floor(va * this.invs[i]);
      const k = (vpn * CODES + this.codes[i]) * ASID_SPAN;
      const base = (vpn & this.setMask) * this.ways;
      for (let w = 0; w < this.ways; w++) {
        const t = this.key[base + w];
        if (t === k + asid || t === k + ASID_GLOBAL) return base + w;
      }
    }
    return -1;
  }

  /** Physical address of `va` if translated here, else -1. Same side effects as probe(). */
  lookup(va: number, asid: number): number {
    const s = this.probe(va, asid);
    return s < 0 ? -1 : this.pfn[s] * 4096 + (va & this.offMask[s]);
  }

  /**
   * Physical address of `va` through the entry in `slot` (from probe()).
   * Precondition: the entry's page is at most 1 GiB.
   */
  physAddr(slot: number, va: number): number {
    return this.pfn[slot] * 4096 + (va & this.offMask[slot]);
  }

  /** log2 of the page size of the entry in `slot`. */
  pageShiftOf(slot: number): number {
    return this.shift[slot];
  }

  /** TLB_* flags of a slot returned by probe(). */
  flagsOf(slot: number): number {
    return this.flags[slot];
  }

  /** 4 KiB frame number stored in a slot returned by probe(). */
  pfnOf(slot: number): number {
    return this.pfn[slot];
  }

  /** Sets TLB_* bits on a slot (the walker setting D in a cached entry). */
  setFlags(slot: number, bits: number): void {
    this.flags[slot] |= bits;
  }

  /**
   * The rest of probe(), after the first page size's set missed: the other
   * page sizes held. Returns the slot, or -1 after counting a miss. Cold path.
   */
  probeRest(va: number, asid: number): number {
    const ways = this.ways;
    for (let i = 1; i < this.sizes.length; i++) {
      const vpn = Math.floor(va * this.invs[i]);
      const set = vpn & this.setMask;
      const k = (vpn * CODES + this.codes[i]) * ASID_SPAN;
      const base = set * ways;
      for (let w = 0; w < ways; w++) {
        const t = this.key[base + w];
        if (t === k + asid || t === k + ASID_GLOBAL) {
          this.mru[set] = w;
          this.policy.touch(set, w);
          this.counts[TLB_HITS]++;
          return base + w;
        }
      }
    }
    this.counts[TLB_MISSES]++;
    return -1;
  }

  /**
   * Installs a translation of `va` for `asid` (ignored if TLB_GLOBAL is set
   * in e.flags): replaces an entry for the same page, else an invalid way,
   * else the policy's victim. Returns the slot, or -1 if this array does not
   * hold e.pageShift. Does not count as a hit or miss.
   */
  fill(va: number, asid: number, e: TlbEntry): number {
    const i = e.pageShift < 64 ? this.indexOfShift[e.pageShift] : -1;
    if (i < 0) return -1;
    const size = this.sizes[i];
    const vpn = Math.floor(va * this.invs[i]);
    const set = vpn & this.setMask;
    const kBase = (vpn * CODES + this.codes[i]) * ASID_SPAN;
    const k = kBase + ((e.flags & TLB_GLOBAL) !== 0 ? ASID_GLOBAL : asid);
    const base = set * this.ways;
    let way = -1;
    let free = -1;
    for (let w = 0; w < this.ways; w++) {
      const t = this.key[base + w];
      if (t === k) {
        way = w;
        break;
      }
      if (t < 0 && free < 0) free = w;
    }
    if (way < 0) {
      if (free >= 0) way = free;
      else {
        way = this.policy.victim(set);
        this.counts[TLB_EVICTIONS]++;
      }
    }
    const slot = base + way;
    this.key[slot] = k;
    this.pfn[slot] = e.pfn;
    this.flags[slot] = e.flags;
    this.offMask[slot] = e.pageShift <= 30 ? size - 1 : 0x3fffffff;
    this.shift[slot] = e.pageShift;
    this.mru[set] = way;
    this.policy.touch(set, way);
    this.counts[TLB_FILLS]++;
    if (this.inList[slot] === 0) {
      this.inList[slot] = 1;
      this.filled[this.filledLen++] = slot;
    }
    return slot;
  }

  /**
   * INVLPG: drops every entry translating `va` for `asid` and every global
   * entry for `va`, at every page size held. Returns how many were dropped.
   */
  invlpg(va: number, asid: number): number {
    let n = 0;
    for (let i = 0; i < this.sizes.length; i++) {
      const vpn = Math.floor(va * this.invs[i]);
      const set = vpn & this.setMask;
      const k = (vpn * CODES + this.codes[i]) * ASID_SPAN;
      const base = set * this.ways;
      for (let w = 0; w < this.ways; w++) {
        const t = this.key[base + w];
        if (t === k + asid || t === k + ASID_GLOBAL) {
          this.key[base + w] = -1;
          n++;
        }
      }
    }
    this.counts[TLB_INVALIDATIONS] += n;
    return n;
  }

  /** Drops every non-global entry of `asid` (INVPCID single-context). Cost: entries filled. Returns the count. */
  flushAsid(asid: number): number {
    let n = 0;
    let kept = 0;
    for (let i = 0; i < this.filledLen; i++) {
      const slot = this.filled[i];
      const t = this.key[slot];
      if (t >= 0 && t % ASID_SPAN === asid) {
        this.key[slot] = -1;
        n++;
      }
      if (this.key[slot] >= 0) this.filled[kept++] = slot;
      else this.inList[slot] = 0;
    }
    this.filledLen = kept;
    this.counts[TLB_INVALIDATIONS] += n;
    this.counts[TLB_FLUSHES]++;
    return n;
  }

  /**
   * Drops every entry, or every non-global one when opts.keepGlobal (a CR3
   * write without PCID keeps global entries; toggling CR4.PGE does not).
   * Cost: entries filled since the last flush. Returns the count dropped.
   */
  flushAll(opts: { keepGlobal?: boolean } = {}): number {
    const keepGlobal = opts.keepGlobal === true;
    let n = 0;
    let kept = 0;
    for (let i = 0; i < this.filledLen; i++) {
      const slot = this.filled[i];
      const t = this.key[slot];
      if (t >= 0 && !(keepGlobal && t % ASID_SPAN === ASID_GLOBAL)) {
        this.key[slot] = -1;
        n++;
      }
      if (this.key[slot] >= 0) this.filled[kept++] = slot;
      else this.inList[slot] = 0;
    }
    this.filledLen = kept;
    this.counts[TLB_INVALIDATIONS] += n;
    this.counts[TLB_FLUSHES]++;
    return n;
  }

  /** Number of valid entries (walks the filled list). */
  validCount(): number {
    let n = 0;
    for (let i = 0; i < this.filledLen; i++) if (this.key[this.filled[i]] >= 0) n++;
    return n;
  }

  /** Decoded valid entries, in slot order. For tests and reports. */
  validEntries(): TlbEntryView[] {
    const out: TlbEntryView[] = [];
    for (let slot = 0; slot < this.key.length; slot++) {
      const t = this.key[slot];
      if (t < 0) continue;
      const asidField = t % ASID_SPAN;
      const rest = (t - asidField) / ASID_SPAN;
      const code = rest % CODES;
      out.push({
        slot,
        vpn: (rest - code) / CODES,
        pageShift: SHIFT_BY_CODE[code],
        asid: asidField === ASID_GLOBAL ? -1 : asidField,
        global: asidField === ASID_GLOBAL,
        pfn: this.pfn[slot],
        flags: this.flags[slot],
      });
    }
    return out;
  }

  /**
   * Throws if an internal invariant is broken: every valid slot is in the
   * filled list exactly once, sits in the set its vpn indexes, holds a page
   * size this array holds, and no set holds the same key twice.
   */
  checkInvariants(): void {
    const seen = new Uint8Array(this.key.length);
    for (let i = 0; i < this.filledLen; i++) {
      const slot = this.filled[i];
      if (seen[slot]) throw new Error(`${this.name}: slot ${slot} twice in the filled list`);
      seen[slot] = 1;
      if (this.inList[slot] !== 1) throw new Error(`${this.name}: slot ${slot} listed but not marked`);
    }
    for (const e of this.validEntries()) {
      if (!seen[e.slot]) throw new Error(`${this.name}: valid slot ${e.slot} missing from the filled list`);
      if (!this.pageShifts.includes(e.pageShift)) throw new Error(`${this.name}: slot ${e.slot} holds page shift ${e.pageShift}`);
      const set = Math.floor(e.slot / this.ways);
      if ((e.vpn & this.setMask) !== set) throw new Error(`${this.name}: vpn ${e.vpn} in set ${set}`);
      const base = set * this.ways;
      for (let w = base; w < e.slot; w++) {
        if (this.key[w] === this.key[e.slot]) throw new Error(`${this.name}: duplicate key in set ${set}`);
      }
    }
  }
}
