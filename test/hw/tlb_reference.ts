// A naive TLB of our own for model-based tests: per set, a list of entries
// with explicit last-use timestamps; lookups scan every page size and every
// entry; eviction takes an invalid way first, else the oldest timestamp.
// Written for clarity, not speed, and sharing no code with src/hw/tlb.ts.

export interface RefEntry {
  vpn: number;
  shift: number;
  asid: number; // -1 for a global entry
  pfn: number;
  lastUse: number;
}

export class ReferenceTlb {
  readonly sets: (RefEntry | null)[][];
  private time = 0;

  constructor(
    readonly nSets: number,
    readonly ways: number,
    readonly shifts: number[],
  ) {
    this.sets = Array.from({ length: nSets }, () => Array.from({ length: ways }, () => null));
  }

  private setOf(vpn: number): number {
    return Number(BigInt(vpn) % BigInt(this.nSets));
  }

  private matches(e: RefEntry | null, vpn: number, shift: number, asid: number): e is RefEntry {
    return e !== null && e.vpn === vpn && e.shift === shift && (e.asid === asid || e.asid === -1);
  }

  lookup(va: number, asid: number): number {
    for (const shift of this.shifts) {
      const size = 2 ** shift;
      const vpn = Math.floor(va / size);
      for (const e of this.sets[this.setOf(vpn)]) {
        if (this.matches(e, vpn, shift, asid)) {
          e.lastUse = ++this.time;
          return e.pfn * 4096 + (va - vpn * size);
        }
      }
    }
    return -1;
  }

  fill(va: number, asid: number, shift: number, pfn: number, global: boolean): void {
    if (!this.shifts.includes(shift)) return;
    const vpn = Math.floor(va / 2 ** shift);
    const set = this.sets[this.setOf(vpn)];
    const a = global ? -1 : asid;
    let way = set.findIndex((e) => e !== null && e.vpn === vpn && e.shift === shift && e.asid === a);
    if (way < 0) way = set.findIndex((e) => e === null);
    if (way < 0) {
      way = 0;
      for (let w = 1; w < set.length; w++) if (set[w]!.lastUse < set[way]!.lastUse) way = w;
    }
    set[way] = { vpn, shift, asid: a, pfn, lastUse: ++this.time };
  }

  invlpg(va: number, asid: number): void {
    for (const shift of this.shifts) {
      const vpn = Math.floor(va / 2 ** shift);
      const set = this.sets[this.setOf(vpn)];
      set.forEach((e, w) => {
        if (this.matches(e, vpn, shift, asid)) set[w] = null;
      });
    }
  }

  flush(pred: (e: RefEntry) => boolean): void {
    for (const set of this.sets) set.forEach((e, w) => e !== null && pred(e) && (set[w] = null));
  }

  valid(): string[] {
    const out: string[] = [];
    this.sets.forEach((set, s) => set.forEach((e) => e && out.push(`${s}:${e.shift}:${e.vpn}:${e.asid}:${e.pfn}`)));
    return out.sort();
  }
}
