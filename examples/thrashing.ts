// What is thrashing? A working set larger than RAM, with swap: every pass
// over it must read back what the previous pass pushed out, so the process
// runs at the speed of the disk instead of the speed of memory.
//
// Run: node --import tsx examples/thrashing.ts
//
// Look at: the faults per second and the slowdown factor of each pass, as the
// working set grows past the 512 MiB of RAM (the slowdown jumps from 1 to
// hundreds), and /proc/pressure/memory, whose `full` line says what share of
// the time the process made no progress at all.
import { Machine } from '../src/index.js';

const m = new Machine({ memtotal: '512M', swap: '1G' });
const p = m.spawn('app', { image: null });
const PAGE = 4096;

console.log('working set  pass  seconds  major faults  faults/s   slowdown');
for (const mib of [256, 400, 480, 600]) {
  const pages = (mib << 20) / PAGE;
  const a = p.mmap({ pages, prot: 'rw', flags: ['private', 'anonymous'] });
  // The same pass from RAM would cost one access per page and nothing else.
  const fromRam = pages * m.kernel.clock.costs.accessNs;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = m.now;
    const f0 = p.faults;
    p.touch(a, pages, { write: true, value: pass + 1 });
    const s = (m.now - t0) / 1e9;
    const major = p.faults.majflt - f0.majflt;
    const all = major + p.faults.minflt - f0.minflt;
    const line = [
      `${mib} MiB`.padStart(11),
      String(pass).padStart(5),
      s.toFixed(3).padStart(8),
      String(major).padStart(13),
      Math.round(all / s).toString().padStart(9),
      `${((s * 1e9) / fromRam).toFixed(0)}x`.padStart(10),
    ];
    console.log(line.join(' '));
  }
  p.munmap(a, pages * PAGE);
}
console.log('\n/proc/pressure/memory\n' + m.pressure('memory'));
console.log('/proc/pressure/io\n' + m.pressure('io'));
