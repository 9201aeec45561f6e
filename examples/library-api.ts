// The library API in a few lines: a machine, a process, a mapping, a fork,
// copy on write, and the /proc figures a real kernel would show.
// Run: node --import tsx examples/library-api.ts
import { Machine } from '../src/index.js';

const m = new Machine({ memtotal: '8G' });
const p = m.spawn('app');
const a = p.mmap({ pages: 64, prot: 'rw', flags: ['private', 'anonymous'] });
p.touch(a, 64, { write: true, value: 1 }); // 64 first-touch faults
const c = p.fork('child');
c.write(a, 2); // copy on write: the child gets its own copy of page 0
console.log(`parent reads ${p.read(a)}, child reads ${c.read(a)}`);
console.log(`faults: parent ${JSON.stringify(p.faults)}, child ${JSON.stringify(c.faults)}`);
const rollup = (text: string, key: string): string => text.split('\n').find((l) => l.startsWith(key + ':'))!.trim();
console.log(rollup(p.smapsRollup(), 'Pss'), '|', rollup(c.smapsRollup(), 'Pss'));
console.log(m.meminfo().split('\n').find((l) => l.startsWith('AnonPages'))!);
console.log(`pgfault ${m.counter('pgfault')}, pgreuse ${m.counter('pgreuse')}`);
