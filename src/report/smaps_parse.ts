// Reads /proc/PID/smaps text back into numbers. Used to build scenario reports
// from either runner's smaps (the simulator's or the real kernel's), so that a
// report is by construction the sum of the smaps fields it names.

export interface SmapsVma {
  start: number;
  end: number;
  /** The 4-character maps permission field, e.g. "rw-p". */
  perms: string;
  /** Path or pseudo-name after the inode, "" when none. */
  name: string;
  /** Every "Key:   N kB" field, in kB (THPeligible as its bare number). */
  fields: Map<string, number>;
  /** Two-letter VmFlags codes, in the kernel's order. */
  vmFlags: string[];
}

const HEADER = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) [0-9a-f]+ [0-9a-f]+:[0-9a-f]+ \d+ ?\s*(.*)$/;

/** Parses smaps text; throws on a line it cannot read. */
export function parseSmaps(text: string): SmapsVma[] {
  const out: SmapsVma[] = [];
  let cur: SmapsVma | null = null;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const h = HEADER.exec(line);
    if (h) {
      cur = { start: parseInt(h[1]!, 16), end: parseInt(h[2]!, 16), perms: h[3]!, name: h[4]!, fields: new Map(), vmFlags: [] };
      out.push(cur);
      continue;
    }
    if (!cur) throw new Error(`smaps: unexpected line '${line}'`);
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`smaps: unexpected line '${line}'`);
    const key = line.slice(0, colon);
    const rest = line.slice(colon + 1).trim();
    if (key === 'VmFlags') {
      cur.vmFlags = rest === '' ? [] : rest.split(/\s+/);
    } else {
      const n = parseInt(rest, 10);
      if (Number.isNaN(n)) throw new Error(`smaps: bad value in '${line}'`);
      cur.fields.set(key, n);
    }
  }
  return out;
}

/** The value of one field (0 when the kernel did not print it). */
export function field(v: SmapsVma, key: string): number {
  return v.fields.get(key) ?? 0;
}
