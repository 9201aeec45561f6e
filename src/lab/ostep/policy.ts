// OSTEP's vm-beyondphys-policy/paging-policy.py, reproduced byte for byte: a page
// cache of -C pages replaying a reference string under FIFO, LRU, MRU, OPT,
// UNOPT, RAND or CLOCK, printing each access or only the totals (-N), or, without
// -c, the questions. The script's quirks are kept on purpose:
//   - CLOCK has no hand: it probes random resident pages, decrementing each
//     page's counter until one is at 0. Counters start at 1 when a page comes in,
//     and each hit adds 1, capped at -b (so with -b 0 a hit sets the counter to 0).
//   - RAND and CLOCK draw from the same random stream as the generated addresses.
//   - OPT evicts the page whose next use is farthest, ties (pages never used
//     again) going to the last in memory order; UNOPT evicts the nearest, ties to
//     the first.
//   - A page printed as "-1" reads as "no victim" ('-'), as in the script.
// Pages are Python ints of any size: each distinct value is interned to a small id.
import { type OptSpec, type OptValues } from './optparse.js';
import { PyError } from './py_error.js';
import { formatFixed, intText, pyFormat, pyRepr } from './py_format.js';
import { pyIntParse } from './py_int.js';
import { PyRandom } from './py_random.js';
import { intToFloat, runScript, ScriptExit, type Out, type ScriptEnv, type ScriptResult } from './script.js';

/** The script's add_option() calls, in order. */
export const POLICY_OPTIONS: readonly OptSpec[] = [
  { short: '-a', long: '--addresses', dest: 'addresses', kind: 'string', help: 'a set of comma-separated pages to access; -1 means randomly generate' },
  { short: '-f', long: '--addressfile', dest: 'addressfile', kind: 'string', help: 'a file with a bunch of addresses in it' },
  { short: '-n', long: '--numaddrs', dest: 'numaddrs', kind: 'string', help: 'if -a (--addresses) is -1, this is the number of addrs to generate' },
  { short: '-p', long: '--policy', dest: 'policy', kind: 'string', help: 'replacement policy: FIFO, LRU, OPT, UNOPT, RAND, CLOCK' },
  { short: '-b', long: '--clockbits', dest: 'clockbits', kind: 'int', help: 'for CLOCK policy, how many clock bits to use' },
  { short: '-C', long: '--cachesize', dest: 'cachesize', kind: 'string', help: 'size of the page cache, in pages' },
  { short: '-m', long: '--maxpage', dest: 'maxpage', kind: 'string', help: 'if randomly generating page accesses, this is the max page number' },
  { short: '-s', long: '--seed', dest: 'seed', kind: 'string', help: 'random number seed' },
  { short: '-N', long: '--notrace', dest: 'notrace', kind: 'flag', help: 'do not print out a detailed trace' },
  { short: '-c', long: '--compute', dest: 'solve', kind: 'flag', help: 'compute answers for me' },
];

/** The script's defaults. Most options are strings converted with int() later, as in the script. */
export const POLICY_DEFAULTS: Readonly<OptValues> = {
  addresses: '-1',
  addressfile: '',
  numaddrs: '10',
  policy: 'FIFO',
  clockbits: 2n,
  cachesize: '3',
  maxpage: '10',
  seed: '0',
  notrace: false,
  solve: false,
};

/** The policy names the script knows, with the labels it prints at the memory's two ends. */
const POLICY_LABELS = new Map<string, [string, string]>([
  ['FIFO', ['FirstIn', 'Lastin ']],
  ['LRU', ['LRU', 'MRU']],
  ['MRU', ['LRU', 'MRU']],
  ['OPT', ['Left ', 'Right']],
  ['RAND', ['Left ', 'Right']],
  ['UNOPT', ['Left ', 'Right']],
  ['CLOCK', ['Left ', 'Right']],
]);

const NO_VICTIM = -1;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Runs `paging-policy.py ARGV`. Returns its stdout and status; never throws for
 * bad input (see ScriptResult). `env.readFile` is needed for -f.
 */
export function runPolicy(argv: readonly string[], env: ScriptEnv): ScriptResult {
  return runScript(POLICY_OPTIONS, POLICY_DEFAULTS, argv, env, (v, out) => policyMain(v, out, env));
}

// The reference string: per access, the interned page id (-1 if the entry is not
// an int), and per id the page's decimal text.
interface RefString {
  ids: Int32Array;
  pageText: string[];
  /** For each entry that failed int(), by index, the ValueError to raise on reaching it. */
  bad: Map<number, PyError>;
  firstBad: number;
}

function policyMain(v: OptValues, out: Out, env: ScriptEnv): void {
  out.print('ARG addresses', v.addresses);
  out.print('ARG addressfile', v.addressfile);
  out.print('ARG numaddrs', v.numaddrs);
  out.print('ARG policy', v.policy);
  out.print('ARG clockbits', v.clockbits);
  out.print('ARG cachesize', v.cachesize);
  out.print('ARG maxpage', v.maxpage);
  out.print('ARG seed', v.seed);
  out.print('ARG notrace', v.notrace);
  out.print('');

  const addresses = v.addresses as string;
  const addressFile = v.addressfile as string;
  const numaddrs = pyIntParse(v.numaddrs as string);
  const cachesize = pyIntParse(v.cachesize as string);
  const seed = pyIntParse(v.seed as string);
  const maxpage = pyIntParse(v.maxpage as string);
  const policy = v.policy as string;
  const notrace = v.notrace as boolean;
  const clockbits = v.clockbits as bigint;

  const rng = new PyRandom(seed);
  const refs = new Interner();
  if (addressFile !== '') {
    readAddressFile(addressFile, env, refs);
  } else if (addresses === '-1') {
    const scale = intToFloat(maxpage);
    const n = Number(numaddrs);
    for (let i = 0; i < n; i++) refs.addNumber(Math.trunc(scale * rng.random()));
  } else {
    for (const entry of addresses.split(',')) refs.addText(entry);
  }
  const ref = refs.done();

  if (!(v.solve as boolean)) {
    out.print(pyFormat('Assuming a replacement policy of %s, and a cache of size %d pages,', [policy, cachesize]));
    out.print('figure out whether each of the following page references hit or miss');
    out.print('in the page cache.\n');
    for (let i = 0; i < ref.ids.length; i++) {
      if (ref.ids[i] < 0) throw ref.bad.get(i)!;
      out.print(`Access: ${ref.pageText[ref.ids[i]]}  Hit/Miss?  State of Memory?`);
    }
    out.print('');
    return;
  }

  if (!notrace) out.print('Solving...\n');
  const labels = POLICY_LABELS.get(policy);
  if (labels === undefined) {
    out.print(`Policy ${policy} is not yet implemented`);
    throw new ScriptExit(1);
  }
  simulate(ref, out, {
    policy,
    cachesize: Number(cachesize),
    clockbits: Number(clockbits),
    notrace,
    rng,
    labels,
  });
}

interface SimOptions {
  policy: string;
  cachesize: number;
  clockbits: number;
  notrace: boolean;
  rng: PyRandom;
  labels: [string, string];
}

// The solving loop of the script. `memory` keeps the script's list order, which
// is what gets printed and what OPT/UNOPT/CLOCK index into.
function simulate(ref: RefString, out: Out, o: SimOptions): void {
  const { ids, pageText } = ref;
  const nRefs = ids.length;
  const nIds = pageText.length;
  const inMemory = new Uint8Array(nIds);
  const hasCounter = new Uint8Array(nIds);
  const counter = new Float64Array(nIds);
  const lastAccess = new Int32Array(nIds);
  const evict = makeEvictor(o.policy, o.rng, ref, counter, lastAccess);
  const memory: number[] = [];
  const [leftStr, riteStr] = o.labels;
  const reorders = o.policy === 'LRU' || o.policy === 'MRU';
  let memText = '';
  let count = 0;
  let hits = 0;
  let miss = 0;

  for (let i = 0; i < nRefs; i++) {
    const n = ids[i];
    if (n < 0) throw ref.bad.get(i)!;
    const hit = inMemory[n] === 1;
    if (hit) {
      hits++;
      if (reorders) {
        memory.splice(memory.indexOf(n), 1);
        memory.push(n); // the MRU side
      }
    } else {
      miss++;
    }
    lastAccess[n] = i;

    let victim = NO_VICTIM;
    if (!hit) {
      if (count === o.cachesize) {
        victim = evict(memory, count);
        inMemory[victim] = 0;
      } else {
        count++;
      }
      memory.push(n);
      inMemory[n] = 1;
    }

    // The reference counter, kept for every policy but read only by CLOCK.
    if (hasCounter[n] === 0) {
      hasCounter[n] = 1;
      counter[n] = 1;
    } else {
      counter[n] += 1;
      if (counter[n] > o.clockbits) counter[n] = o.clockbits;
    }
    if (victim !== NO_VICTIM && o.policy === 'CLOCK') hasCounter[victim] = 0;

    if (!o.notrace) {
      // The printed list changes only on misses and on LRU/MRU hits.
      if (!hit || reorders) memText = memoryText(memory, pageText);
      const replaced = victim === NO_VICTIM || pageText[victim] === '-1' ? '-' : pageText[victim];
      out.print(
        `Access: ${pageText[n]}  ${hit ? 'HIT ' : 'MISS'} ${leftStr} -> ${memText} <- ${riteStr} Replaced:${replaced} [Hits:${hits} Misses:${miss}]`,
      );
    }
  }

  out.print('');
  if (hits + miss === 0) throw new PyError('ZeroDivisionError', 'float division by zero (no page references)');
  out.print(`FINALSTATS hits ${hits}   misses ${miss}   hitrate ${formatFixed((100.0 * hits) / (hits + miss), 2)}`);
  out.print('');
}

// '%12s' % memory: str() of the list, right-aligned in 12 columns.
function memoryText(memory: readonly number[], pageText: readonly string[]): string {
  return ('[' + memory.map((id) => pageText[id]).join(', ') + ']').padStart(12, ' ');
}

// Removes and returns the victim when the cache is full; `count` equals
// memory.length. With -C 0 the list is empty and the script dies with IndexError.
type Evictor = (memory: number[], count: number) => number;

// Picks the eviction rule once per run (the script tests the policy name on
// every miss; the outcome is the same).
function makeEvictor(policy: string, rng: PyRandom, ref: RefString, counter: Float64Array, lastAccess: Int32Array): Evictor {
  const emptyPop = (): never => {
    throw new PyError('IndexError', 'pop from empty list');
  };
  switch (policy) {
    case 'FIFO':
    case 'LRU':
      return (memory, count) => (count === 0 ? emptyPop() : memory.shift()!);
    case 'MRU':
      return (memory, count) => (count === 0 ? emptyPop() : memory.pop()!);
    case 'RAND':
      return (memory, count) => {
        const idx = Math.trunc(rng.random() * count);
        return count === 0 ? emptyPop() : memory.splice(idx, 1)[0];
      };
    case 'CLOCK':
      // Random probing: each probe draws one random(); a page with a non-zero
      // counter loses one and survives, the first page found at 0 goes.
      return (memory, count) => {
        for (;;) {
          const idx = Math.trunc(rng.random() * count);
          if (count === 0) throw new PyError('IndexError', 'list index out of range');
          const page = memory[idx];
          if (counter[page] < 1) {
            memory.splice(idx, 1);
            return page;
          }
          counter[page] -= 1;
        }
      };
    default: {
      const nextUse = computeNextUse(ref.ids, ref.pageText.length);
      const farthest = policy === 'OPT';
      return (memory, count) => evictOffline(memory, count, farthest, ref, nextUse, lastAccess);
    }
  }
}

// OPT (farthest next use, ties to the last page in memory order) and UNOPT
// (nearest, ties to the first). The script scans the future for each resident
// page, calling int() on each entry it passes, so a bad entry ahead of a page's
// next use crashes it here, before the bad entry's own turn.
function evictOffline(
  memory: number[],
  count: number,
  farthest: boolean,
  ref: RefString,
  nextUse: Int32Array,
  lastAccess: Int32Array,
): number {
  if (count === 0) throw new PyError('IndexError', 'pop from empty list');
  let chosen = -1;
  let best = farthest ? -1 : ref.ids.length + 1;
  for (let k = 0; k < count; k++) {
    // The page's next use after now is the next use after its last access,
    // since it has not been touched in between.
    const when = nextUse[lastAccess[memory[k]]];
    if (ref.firstBad >= 0 && when > ref.firstBad) throw ref.bad.get(ref.firstBad)!;
    if (farthest ? when >= best : when < best) {
      chosen = k;
      best = when;
    }
  }
  return memory.splice(chosen, 1)[0];
}

// nextUse[i] = the index of the next access to the page of access i, or the
// length of the string if there is none (the script's "whenReferenced").
function computeNextUse(ids: Int32Array, nIds: number): Int32Array {
  const nextUse = new Int32Array(ids.length);
  const nextPos = new Int32Array(nIds).fill(ids.length);
  for (let i = ids.length - 1; i >= 0; i--) {
    const id = ids[i];
    if (id < 0) continue;
    nextUse[i] = nextPos[id];
    nextPos[id] = i;
  }
  return nextUse;
}

// -f: one int per line; a line that is not an int stops the script before it
// prints anything beyond the ARG lines.
function readAddressFile(path: string, env: ScriptEnv, refs: Interner): void {
  let text: string;
  try {
    if (env.readFile === undefined) throw new Error('no file access');
    text = env.readFile(path);
  } catch (err) {
    throw fileError(err, path);
  }
  if (text === '') return;
  // Python's text mode: universal newlines, each line keeps a '\n' terminator.
  const lines = text.split(/\r\n|\r|\n/);
  const terminated = lines[lines.length - 1] === '';
  if (terminated) lines.pop();
  lines.forEach((line, k) => {
    const raw = k < lines.length - 1 || terminated ? line + '\n' : line;
    try {
      refs.addValue(pyIntParse(raw));
    } catch (err) {
      if (err instanceof PyError) throw new PyError(err.pyType, `${path}:${k + 1}: ${err.message}`);
      throw err;
    }
  });
}

// open() failing, named as Python names it when the cause is known.
function fileError(err: unknown, path: string): PyError {
  const code = (err as { code?: unknown }).code;
  const known: Record<string, [string, string, number]> = {
    ENOENT: ['FileNotFoundError', 'No such file or directory', 2],
    EACCES: ['PermissionError', 'Permission denied', 13],
    EISDIR: ['IsADirectoryError', 'Is a directory', 21],
  };
  if (typeof code === 'string' && code in known) {
    const [pyType, text, errno] = known[code];
    return new PyError(pyType, `[Errno ${errno}] ${text}: ${pyRepr(path)}`);
  }
  return new PyError('OSError', `cannot read address file ${pyRepr(path)}: ${(err as Error).message}`);
}

// Builds the reference string, interning each distinct page value.
class Interner {
  // Safe integers are keyed by value, larger ones by their decimal text; a value
  // is always keyed the same way, so equal ints share one id.
  private readonly idOfNumber = new Map<number, number>();
  private readonly idOfText = new Map<string, number>();
  private readonly pageText: string[] = [];
  private readonly ids: number[] = [];
  private readonly bad = new Map<number, PyError>();
  private firstBad = -1;

  addNumber(x: number): void {
    if (Number.isSafeInteger(x)) this.addSafe(x === 0 ? 0 : x);
    else this.addKey(intText(x));
  }

  addValue(x: bigint): void {
    if (x >= -MAX_SAFE && x <= MAX_SAFE) this.addSafe(Number(x));
    else this.addKey(x.toString());
  }

  // An -a entry: int() happens at its turn in the script, so a bad one is only
  // remembered here and thrown when reached.
  addText(entry: string): void {
    try {
      this.addValue(pyIntParse(entry));
    } catch (err) {
      if (!(err instanceof PyError)) throw err;
      if (this.firstBad < 0) this.firstBad = this.ids.length;
      this.bad.set(this.ids.length, err);
      this.ids.push(-1);
    }
  }

  done(): RefString {
    return { ids: Int32Array.from(this.ids), pageText: this.pageText, bad: this.bad, firstBad: this.firstBad };
  }

  private addSafe(x: number): void {
    let id = this.idOfNumber.get(x);
    if (id === undefined) {
      id = this.pageText.length;
      this.idOfNumber.set(x, id);
      this.pageText.push(String(x));
    }
    this.ids.push(id);
  }

  private addKey(key: string): void {
    let id = this.idOfText.get(key);
    if (id === undefined) {
      id = this.pageText.length;
      this.idOfText.set(key, id);
      this.pageText.push(key);
    }
    this.ids.push(id);
  }
}
