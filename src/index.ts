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
