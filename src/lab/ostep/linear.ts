// OSTEP's vm-paging/paging-linear-translate.py, reproduced byte for byte: a
// random linear page table (each VPN valid with probability -u percent, mapped to
// a distinct random PFN) and virtual addresses to translate, answered with -c.
// Sizes take the script's k/m/g suffixes, and its checks run in its order, with
// its messages and exit status 1. Addresses given with -A are Python ints of
// any size; translating one beyond the table crashes the script (IndexError),
// which is kept: the output stops there.
import { type OptSpec, type OptValues } from './optparse.js';
import { PyError } from './py_error.js';
import { pyFormat } from './py_format.js';
import { pyIntParse } from './py_int.js';
import { PyRandom } from './py_random.js';
import { convertSize, intToFloat, runScript, ScriptExit, type Out, type ScriptEnv, type ScriptResult } from './script.js';

/** The script's add_option() calls, in order. */
export const LINEAR_OPTIONS: readonly OptSpec[] = [
  { short: '-A', long: '--addresses', dest: 'addresses', kind: 'string', help: 'a set of comma-separated pages to access; -1 means randomly generate' },
  { short: '-s', long: '--seed', dest: 'seed', kind: 'int', help: 'the random seed' },
  { short: '-a', long: '--asize', dest: 'asize', kind: 'string', help: 'address space size (e.g., 16, 64k, 32m, 1g)' },
  { short: '-p', long: '--physmem', dest: 'psize', kind: 'string', help: 'physical memory size (e.g., 16, 64k, 32m, 1g)' },
  { short: '-P', long: '--pagesize', dest: 'pagesize', kind: 'string', help: 'page size (e.g., 4k, 8k, whatever)' },
  { short: '-n', long: '--numaddrs', dest: 'num', kind: 'int', help: 'number of virtual addresses to generate' },
  { short: '-u', long: '--used', dest: 'used', kind: 'int', help: 'percent of virtual address space that is used' },
  { short: '-v', dest: 'verbose', kind: 'flag', help: 'verbose mode' },
  { short: '-c', dest: 'solve', kind: 'flag', help: 'compute answers for me' },
];

export const LINEAR_DEFAULTS: Readonly<OptValues> = {
  addresses: '-1',
  seed: 0n,
  asize: '16k',
  psize: '64k',
  pagesize: '4k',
  num: 5n,
  used: 50n,
  verbose: false,
  solve: false,
};

const ONE_GB = 1073741824n;

/** Runs `paging-linear-translate.py ARGV`. Never throws for bad input (see ScriptResult). */
export function runLinear(argv: readonly string[], env: ScriptEnv): ScriptResult {
  return runScript(LINEAR_OPTIONS, LINEAR_DEFAULTS, argv, env, linearMain);
}

function fail(out: Out, message: string): never {
  out.print(message);
  throw new ScriptExit(1);
}

// mustbemultipleof(): int(float(a)/float(b)) != int(a)/int(b), both divisions
// in floating point (Python 3 true division), so a non-integer quotient fails.
function mustBeMultipleOf(out: Out, big: bigint, num: bigint, msg: string): void {
  if (num === 0n) throw new PyError('ZeroDivisionError', 'float division by zero');
  const q = intToFloat(big) / intToFloat(num);
  if (Math.trunc(q) !== q) fail(out, `Error in argument: ${msg}`);
}

// int(math.log(float(size)) / math.log(2.0)), then mustbepowerof2(): 2**bits == size.
function log2Checked(out: Out, size: bigint, msg: string): number {
  const x = intToFloat(size);
  if (x <= 0) throw new PyError('ValueError', 'math domain error');
  const bits = Math.trunc(Math.log(x) / Math.log(2.0));
  if (Math.pow(2, bits) !== x) fail(out, `Error in argument: ${msg}`);
  return bits;
}

function linearMain(v: OptValues, out: Out): void {
  const seed = v.seed as bigint;
  out.print('ARG seed', seed);
  out.print('ARG address space size', v.asize);
  out.print('ARG phys mem size', v.psize);
  out.print('ARG page size', v.pagesize);
  out.print('ARG verbose', v.verbose);
  out.print('ARG addresses', v.addresses);
  out.print('');

  const rng = new PyRandom(seed);
  const asize = convertSize(v.asize as string);
  const psize = convertSize(v.psize as string);
  const pagesize = convertSize(v.pagesize as string);
  const addresses = v.addresses as string;
  const verbose = v.verbose as boolean;

  if (psize <= 1n) fail(out, 'Error: must specify a non-zero physical memory size.');
  if (asize < 1n) fail(out, 'Error: must specify a non-zero address-space size.');
  if (psize <= asize) {
    fail(out, 'Error: physical memory size must be GREATER than address space size (for this simulation)');
  }
  if (psize >= ONE_GB || asize >= ONE_GB) fail(out, 'Error: must use smaller sizes (less than 1 GB) for this simulation.');
  mustBeMultipleOf(out, asize, pagesize, 'address space must be a multiple of the pagesize');
  mustBeMultipleOf(out, psize, pagesize, 'physical memory must be a multiple of the pagesize');

  // From here 1 <= asize < psize < 2^30 and pagesize divides both, so all fit doubles.
  const pages = Math.trunc(Number(psize) / Number(pagesize));
  const vpages = Math.trunc(Number(asize) / Number(pagesize));
  const used = new Uint8Array(Math.max(pages, 0));
  log2Checked(out, asize, 'address space must be a power of 2');
  const pagebits = log2Checked(out, pagesize, 'page size must be a power of 2');
  const pagemask = 2 ** pagebits - 1;
  const vpnmask = 0xffffffff - pagemask; // 0xFFFFFFFF & ~pagemask

  out.print('');
  out.print('The format of the page table is simple:');
  out.print('The high-order (left-most) bit is the VALID bit.');
  out.print('  If the bit is 1, the rest of the entry is the PFN.');
  out.print('  If the bit is 0, the page is not valid.');
  out.print('Use verbose mode (-v) if you want to print the VPN # by');
  out.print('each entry of the page table.');
  out.print('');

  // Each VPN: with probability used% pick random PFNs until a free one turns up;
  // otherwise leave it invalid. A taken PFN costs a fresh coin flip too.
  out.print('Page Table (from entry 0 down to the max size)');
  const threshold = 100.0 - intToFloat(v.used as bigint);
  const pt = new Int32Array(Math.max(vpages, 0));
  const prefix = (vpn: number): string => (verbose ? pyFormat('  [%8d]  ', [vpn]) : '  ');
  for (let vpn = 0; vpn < vpages; vpn++) {
    for (;;) {
      if (rng.random() * 100.0 > threshold) {
        const u = Math.trunc(pages * rng.random());
        if (used[u] === 0) {
          used[u] = 1;
          out.write(prefix(vpn));
          out.print(pyFormat('0x%08x', [0x80000000 + u]));
          pt[vpn] = u;
          break;
        }
      } else {
        out.write(prefix(vpn));
        out.print('0x00000000');
        pt[vpn] = -1;
        break;
      }
    }
  }
  out.print('');

  const trace: Array<number | string> = [];
  if (addresses === '-1') {
    const scale = Number(asize);
    const n = Number(v.num as bigint);
    for (let i = 0; i < n; i++) trace.push(Math.trunc(scale * rng.random()));
  } else {
    trace.push(...addresses.split(','));
  }

  out.print('Virtual Address Trace');
  const solve = v.solve as boolean;
  for (const entry of trace) {
    const vaddr = typeof entry === 'number' ? BigInt(entry) : pyIntParse(entry);
    if (!solve) {
      out.print(pyFormat('  VA 0x%08x (decimal: %8d) --> PA or invalid address?', [vaddr, vaddr]));
      continue;
    }
    // Python's & on a negative int acts on infinite two's complement, like BigInt's.
    const vpn = Number((vaddr & BigInt(vpnmask)) >> BigInt(pagebits));
    if (vpn >= pt.length) throw new PyError('IndexError', `array index out of range (VPN ${vpn} of address ${vaddr})`);
    const pfn = pt[vpn];
    if (pfn < 0) {
      out.print(pyFormat('  VA 0x%08x (decimal: %8d) -->  Invalid (VPN %d not valid)', [vaddr, vaddr, vpn]));
    } else {
      const offset = vaddr & BigInt(pagemask);
      const paddr = (BigInt(pfn) << BigInt(pagebits)) | offset;
      out.print(pyFormat('  VA 0x%08x (decimal: %8d) --> %08x (decimal %8d) [VPN %d]', [vaddr, vaddr, paddr, paddr, vpn]));
    }
  }
  out.print('');

  if (!solve) {
    out.print('For each virtual address, write down the physical address it translates to');
    out.print('OR write down that it is an out-of-bounds address (e.g., segfault).');
    out.print('');
  }
}
