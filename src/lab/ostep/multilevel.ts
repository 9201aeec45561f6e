// OSTEP's vm-smalltables/paging-multilevel-translate.py, reproduced byte for
// byte: a 32 KB address space of 32-byte pages (15-bit virtual addresses, 5-bit
// PDE index | 5-bit PTE index | 5-bit offset) on 4 KB of physical memory
// (128 pages), with a two-level page table built for -a random virtual pages,
// a hex dump of all of memory, and -n virtual addresses to translate (-c).
// Entry layout (one byte): bit 7 valid, bits 6..0 PFN; 0x7f marks an unused
// entry. Running out of physical pages (-a too large) crashes the script with
// an AssertionError, which is kept.
import { type OptSpec, type OptValues } from './optparse.js';
import { PyError } from './py_error.js';
import { pyFormat } from './py_format.js';
import { PyRandom } from './py_random.js';
import { runScript, type Out, type ScriptEnv, type ScriptResult } from './script.js';

/** The script's add_option() calls, in order. */
export const MULTILEVEL_OPTIONS: readonly OptSpec[] = [
  { short: '-s', long: '--seed', dest: 'seed', kind: 'int', help: 'the random seed' },
  { short: '-a', long: '--allocated', dest: 'allocated', kind: 'int', help: 'number of virtual pages allocated' },
  { short: '-n', long: '--addresses', dest: 'num', kind: 'int', help: 'number of virtual addresses to generate' },
  { short: '-c', long: '--solve', dest: 'solve', kind: 'flag', help: 'compute answers for me' },
];

export const MULTILEVEL_DEFAULTS: Readonly<OptValues> = { seed: 0n, allocated: 64n, num: 10n, solve: false };

const PAGE_SIZE = 32;
const PAGE_BITS = 5;
const PHYS_PAGES = 128;
const VA_PAGES = 1024;
const PDE_MASK = 0x7c00;
const PDE_SHIFT = 10;
const PTE_MASK = 0x03e0;
const PTE_SHIFT = 5;
const OFFSET_MASK = 0x1f;
const UNUSED_ENTRY = 0x7f;

/** Runs `paging-multilevel-translate.py ARGV`. Never throws for bad input (see ScriptResult). */
export function runMultilevel(argv: readonly string[], env: ScriptEnv): ScriptResult {
  return runScript(MULTILEVEL_OPTIONS, MULTILEVEL_DEFAULTS, argv, env, multilevelMain);
}

// The script's OS class: physical memory as bytes, a used-page map, one process.
class TinyOs {
  readonly memory = new Uint8Array(PHYS_PAGES * PAGE_SIZE);
  private readonly usedPages = new Uint8Array(PHYS_PAGES);
  private usedCount = 0;
  pdbr = -1;

  constructor(private readonly rng: PyRandom) {}

  // findFree(): random probing for a free physical page.
  findFree(): number {
    if (this.usedCount >= PHYS_PAGES) throw new PyError('AssertionError', 'out of physical pages (-a too large)');
    let look = Math.trunc(this.rng.random() * PHYS_PAGES);
    while (this.usedPages[look] === 1) look = Math.trunc(this.rng.random() * PHYS_PAGES);
    this.usedCount++;
    this.usedPages[look] = 1;
    return look;
  }

  // procAlloc(): the page directory first, then per virtual page: a random
  // unused VPN, its data page, the page-table page if the PDE is still unused,
  // and 32 random bytes (0..30) of contents. Returns the VPNs in order.
  procAlloc(numPages: number): number[] {
    this.pdbr = this.findFree();
    this.memory.fill(UNUSED_ENTRY, this.pdbr * PAGE_SIZE, (this.pdbr + 1) * PAGE_SIZE);
    const usedVp = new Uint8Array(VA_PAGES);
    const allocated: number[] = [];
    for (let k = 0; k < numPages; k++) {
      let vp = Math.trunc(this.rng.random() * VA_PAGES);
      while (usedVp[vp] === 1) vp = Math.trunc(this.rng.random() * VA_PAGES);
      usedVp[vp] = 1;
      allocated.push(vp);
      const pp = this.findFree();
      this.allocVirtualPage(vp, pp);
      for (let j = 0; j < PAGE_SIZE; j++) this.memory[pp * PAGE_SIZE + j] = Math.trunc(this.rng.random() * 31);
    }
    return allocated;
  }

  private allocVirtualPage(vp: number, pp: number): void {
    const va = vp << PAGE_BITS;
    const pdeAddr = (this.pdbr << PAGE_BITS) | ((va & PDE_MASK) >> PDE_SHIFT);
    const pde = this.memory[pdeAddr];
    let ptePage: number;
    if ((pde & 0x80) === 0) {
      ptePage = this.findFree();
      this.memory[pdeAddr] = 0x80 | ptePage;
      this.memory.fill(UNUSED_ENTRY, ptePage * PAGE_SIZE, (ptePage + 1) * PAGE_SIZE);
    } else {
      ptePage = pde & 0x7f;
    }
    const pteAddr = (ptePage << PAGE_BITS) | ((va & PTE_MASK) >> PTE_SHIFT);
    this.memory[pteAddr] = 0x80 | pp;
  }

  // translate(): prints the PDE and PTE it reads; returns the physical address,
  // -1 for an invalid PDE, -2 for an invalid PTE.
  translate(va: number, out: Out): number {
    const pdeIndex = (va & PDE_MASK) >> PDE_SHIFT;
    const pde = this.memory[(this.pdbr << PAGE_BITS) | pdeIndex];
    const pdeValid = (pde & 0x80) >> 7;
    const ptPtr = pde & 0x7f;
    out.print(
      pyFormat('  --> pde index:0x%x [decimal %d] pde contents:0x%x (valid %d, pfn 0x%02x [decimal %d])', [
        pdeIndex, pdeIndex, pde, pdeValid, ptPtr, ptPtr,
      ]),
    );
    if (pdeValid !== 1) return -1;
    const pteIndex = (va & PTE_MASK) >> PTE_SHIFT;
    const pte = this.memory[(ptPtr << PAGE_BITS) | pteIndex];
    const pteValid = (pte & 0x80) >> 7;
    const pfn = pte & 0x7f;
    out.print(
      pyFormat('    --> pte index:0x%x [decimal %d] pte contents:0x%x (valid %d, pfn 0x%02x [decimal %d])', [
        pteIndex, pteIndex, pte, pteValid, pfn, pfn,
      ]),
    );
    if (pteValid !== 1) return -2;
    return (pfn << PAGE_BITS) | (va & OFFSET_MASK);
  }

  dump(out: Out): void {
    for (let page = 0; page < PHYS_PAGES; page++) {
      let line = `page ${String(page).padStart(3, ' ')}:`;
      for (let j = 0; j < PAGE_SIZE; j++) line += this.memory[page * PAGE_SIZE + j].toString(16).padStart(2, '0');
      out.print(line);
    }
  }
}

function multilevelMain(v: OptValues, out: Out): void {
  const seed = v.seed as bigint;
  out.print('ARG seed', seed);
  out.print('ARG allocated', v.allocated);
  out.print('ARG num', v.num);
  out.print('');

  const rng = new PyRandom(seed);
  const os = new TinyOs(rng);
  const used = os.procAlloc(Number(v.allocated as bigint));
  os.dump(out);
  out.print(`\nPDBR: ${os.pdbr}  (decimal) [This means the page directory is held in this page]\n`);

  const num = Number(v.num as bigint);
  const solve = v.solve as boolean;
  for (let i = 0; i < num; i++) {
    // Half the addresses are random, half fall in the i-th allocated page.
    let vaddr: number;
    if (rng.random() * 100 > 50.0 || i >= used.length) vaddr = Math.trunc(rng.random() * 1024 * 32);
    else vaddr = (used[i] << 5) | Math.trunc(rng.random() * 32);
    if (!solve) {
      out.print(pyFormat('Virtual Address %04x: Translates To What Physical Address (And Fetches what Value)? Or Fault?', [vaddr]));
      continue;
    }
    out.print(pyFormat('Virtual Address 0x%04x:', [vaddr]));
    const r = os.translate(vaddr, out);
    if (r > -1) {
      out.print(pyFormat('      --> Translates to Physical Address 0x%03x --> Value: 0x%02x', [r, os.memory[r]]));
    } else if (r === -1) {
      out.print('      --> Fault (page directory entry not valid)');
    } else {
      out.print('      --> Fault (page table entry not valid)');
    }
  }
  out.print('');
}
