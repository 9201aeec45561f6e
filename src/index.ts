// The public API of mmsim. Nothing outside this file is public.

// A simulated machine and its processes.
export { Machine, Process, SyscallError, SignalError, parseSize } from './api/machine.js';
export type { MachineOptions, MmapOptions, MapFlag, ProtString, Size, ZoneInfo } from './api/machine.js';
export type { Arch } from './kernel/arch.js';
export type { ProgramImage } from './kernel/exec.js';
export type { Advice } from './kernel/madvise.js';
export { DEFAULT_MACHINE, machineLine } from './kernel/machine.js';
export type { MachineConfig, ThpMode, ThpDefrag } from './kernel/machine.js';

// Scenarios: parse, run in the simulator, format as the kernel would print.
export { parseScenario, ScenarioError } from './workload/scenario/parse.js';
export type { Program } from './workload/scenario/parse.js';
export { runSim } from './workload/scenario/sim_runner.js';
export { formatRun } from './workload/scenario/format.js';

export { PAGE_SIZE, PAGE_SHIFT } from './hw/addr.js';

// The x86 paging modes (i386, PAE, 4- and 5-level): page tables in a
// byte-addressed physical memory and the hardware walk (`mmsim translate`).
export { ByteMemory, FrameAllocator } from './hw/byte_mem.js';
export { PageTableBuilder } from './hw/paging_build.js';
export type { MapOptions } from './hw/paging_build.js';
export { translate, PAGING_MODES, PF_P, PF_W, PF_U, PF_RSVD, PF_I } from './hw/paging_modes.js';
export type { Access, PagingCpu, PagingMode, Translation, WalkStep } from './hw/paging_modes.js';

// The hardware under the kernel: CPUs with TLBs, page walks and caches
// (docs/hardware.md). `new System(machine.kernel)` puts a Machine's kernel on
// machine.cpus simulated cores; run(cpu, process.task) and access(cpu, va, size, op).
export { System } from './machine/system.js';
export type { SystemOptions, SystemReport, CpuReport } from './machine/system.js';
export { SKYLAKE_HARDWARE } from './hw/cores.js';
export type { HardwareConfig } from './hw/cores.js';
export { OP_FETCH, OP_LOAD, OP_STORE } from './hw/cache_hierarchy.js';
