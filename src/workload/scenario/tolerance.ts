// Comparing two outputs of a scenario field by field, with the tolerances
// the scenario states (docs/scenario-format.md, "What must be exact"): a
// comment line `# tolerance FIELD=N% [FIELD=N%...]` lets the numeric value
// of every `FIELD=value` word differ by N%; every other word, and the number
// and order of lines and words, must be equal. Used by the fidelity test of
// the memory-pressure scenarios and by scripts/capture-goldens.sh, which
// checks two real-kernel runs against each other the same way.

/** FIELD → allowed relative difference (0.1 for 10%). */
export type Tolerances = Map<string, number>;

/**
 * The tolerances stated in a scenario's comments. Throws on a malformed
 * `# tolerance` line, so that a typo cannot silently make a field exact.
 */
export function parseTolerances(source: string): Tolerances {
  const tol: Tolerances = new Map();
  source.split('\n').forEach((line, i) => {
    const m = /^\s*#\s*tolerance\b(.*)$/.exec(line);
    if (!m) return;
    const words = m[1]!.trim().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) throw new Error(`line ${i + 1}: '# tolerance' without FIELD=N%`);
    for (const w of words) {
      const f = /^([a-z_]+)=(\d+(?:\.\d+)?)%$/.exec(w);
      if (!f) throw new Error(`line ${i + 1}: expected FIELD=N% after '# tolerance', got '${w}'`);
      tol.set(f[1]!, Number(f[2]) / 100);
    }
  });
  return tol;
}

/**
 * True when `actual` is within `rel` of `expected`:
 * |actual − expected| ≤ rel × max(|actual|, |expected|). Worked example:
 * swap_kb 33376 against 36144 at 10%: |−2768| ≤ 3614.4, within.
 */
export function withinTolerance(expected: number, actual: number, rel: number): boolean {
  return Math.abs(actual - expected) <= rel * Math.max(Math.abs(actual), Math.abs(expected));
}

/**
 * Compares two outputs (text, one line per output line) under the
 * tolerances. Returns one message per difference, empty when they agree:
 * `line 3: swap_kb=40000 differs from swap_kb=33376 by more than 10%`.
 */
export function compareOutputs(expected: string, actual: string, tol: Tolerances): string[] {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const out: string[] = [];
  if (a.length !== b.length) out.push(`expected ${a.length} lines, got ${b.length}`);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const la = a[i]!;
    const lb = b[i]!;
    if (la === lb) continue;
    const wa = la.split(' ');
    const wb = lb.split(' ');
    if (wa.length !== wb.length) {
      out.push(`line ${i + 1}: '${lb}' differs from '${la}'`);
      continue;
    }
    for (let j = 0; j < wa.length; j++) {
      if (wa[j] === wb[j]) continue;
      const fa = /^([a-z_]+)=(-?\d+)$/.exec(wa[j]!);
      const fb = /^([a-z_]+)=(-?\d+)$/.exec(wb[j]!);
      const rel = fa && fb && fa[1] === fb[1] ? tol.get(fa[1]!) : undefined;
      if (rel === undefined) {
        out.push(`line ${i + 1}: '${wb[j]}' differs from '${wa[j]}' (exact)`);
      } else if (!withinTolerance(Number(fa![2]), Number(fb![2]), rel)) {
        out.push(`line ${i + 1}: ${wb[j]} differs from ${wa[j]} by more than ${Math.round(rel * 1000) / 10}%`);
      }
    }
  }
  return out;
}
