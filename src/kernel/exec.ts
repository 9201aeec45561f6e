// execve(): replacing a process's address space with a program image, and
// brk(). Linux: fs/exec.c (begin_new_exec, setup_arg_pages), fs/binfmt_elf.c
// (load_elf_binary, elf_map, set_brk), mm/mmap.c (brk, do_brk_flags).
//
// An image is an executable file with text, read-only data, data and bss,
// plus an initial stack. The layout is the x86-64 one without address-space
// randomisation (as under `setarch -R`), so runs are reproducible:
//
//   0x555555554000  r--p  ELF headers        (file offset 0)
//                   r-xp  .text
//                   r--p  .rodata
//                   rw-p  .data              (private file mapping, COWed when written)
//                   rw-p  .bss               (anonymous)
//                   rw-p  [heap]             (grows with brk)
//   0x7ffffffde000  rw-p  [stack]            (132 KiB, VM_GROWSDOWN)
//
// On a 32-bit machine the same image goes at the ia32 PIE base 0x400000,
// with the stack ending at TASK_SIZE = 0xc0000000 and mmap_base 128 MiB
// below it (arch/x86/include/asm/elf.h ELF_ET_DYN_BASE, arch/x86/mm/mmap.c).
import { PAGE_SIZE, roundUp } from '../hw/addr.js';
import { EINVAL, ENOENT, ENOMEM } from './errno.js';
import { createFile, openFile } from './file_io.js';
import type { OpenFile } from './fs.js';
import type { Kernel } from './kernel.js';
import { doMmap, doMunmap, MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, PROT_EXEC, PROT_READ, PROT_WRITE } from './mmap.js';
import { Mm, Vma } from './mm_types.js';
import { pgdAlloc } from './pgtable.js';
import type { Task } from './task.js';
import { userAccess } from './access.js';
import { vmEnoughMemory } from './util.js';
import { VM_ACCOUNT, VM_GROWSDOWN, VM_LOCKED, VM_MAYEXEC, VM_MAYREAD, VM_MAYWRITE, VM_READ, VM_WRITE } from './vm_flags.js';
import { vmStatAccount, vmaLink, vmaMergeNew, vmaSetPageProt } from './vma.js';
import { mmPopulate } from './gup.js';

/** Sizes, in pages, of the parts of a program image. */
export interface ProgramImage {
  /** Path of the executable; created (filled with byte 0x7f) if missing. */
  path: string;
  headerPages: number;
  textPages: number;
  rodataPages: number;
  dataPages: number;
  bssPages: number;
  /** Initial stack size in pages (VMA size); the top page is written with argv. */
  stackPages: number;
}

export const DEFAULT_IMAGE: Readonly<ProgramImage> = Object.freeze({
  path: '/usr/bin/app',
  headerPages: 1,
  textPages: 16,
  rodataPages: 4,
  dataPages: 2,
  bssPages: 2,
  stackPages: 33,
});

/** ELF_ET_DYN_BASE for x86-64 PIE executables without randomisation. */
export const ELF_ET_DYN_BASE = 0x555555554000;
/** STACK_TOP without randomisation: TASK_SIZE minus the guard page already. */
export const STACK_TOP = 0x7ffffffff000;
/** mmap_base below the stack: STACK_TOP - (8 MiB RLIMIT_STACK + stack guard gap). */
const MMAP_BASE = 0x7ffff7fff000;
/** The same three for a 32-bit process (mmap_is_ia32()). */
export const ELF_ET_DYN_BASE_32 = 0x400000;
export const STACK_TOP_32 = 0xc0000000;
const MMAP_BASE_32 = STACK_TOP_32 - 128 * 1024 * 1024;

/** VM_DATA_DEFAULT_FLAGS on x86-64. */
const VM_DATA_DEFAULT_FLAGS = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

/**
 * execve(): the task gets a fresh mm holding `image`; the old mm is dropped
 * (and torn down if nobody else uses it). Counters such as VmHWM restart.
 * Returns 0 or a negative errno (ENOENT if the path names no file and
 * cannot be created, ENOMEM if memory runs out).
 */
export function execve(k: Kernel, task: Task, image: ProgramImage = DEFAULT_IMAGE): number {
  const filePages = image.headerPages + image.textPages + image.rodataPages + image.dataPages;
  let inode = k.fs.lookup(image.path);
  if (!inode) inode = createFile(k, image.path, filePages, 0x7f, 16);
  if (inode.sizePages < filePages) return -EINVAL;
  const mm = new Mm();
  if (!pgdAlloc(k, mm)) return -ENOMEM;
  const ia32 = k.arch.highmem;
  const stackTop = ia32 ? STACK_TOP_32 : STACK_TOP;
  mm.mmapBase = ia32 ? MMAP_BASE_32 : MMAP_BASE;
  const old = task.mm;
  task.mm = mm;
  if (old) {
    old.users--;
    if (old.users === 0) k.exitMm(old);
  }
  const file = openFile(k, image.path, false);
  if (typeof file === 'number') return -ENOENT;
  const base = ia32 ? ELF_ET_DYN_BASE_32 : ELF_ET_DYN_BASE;
  let off = 0;
  const seg = (pages: number, prot: number): number => {
    if (pages === 0) return 0;
    const at = base + off * PAGE_SIZE;
    const r = doMmap(k, task, { addr: at, len: pages * PAGE_SIZE, prot, flags: MAP_PRIVATE | MAP_FIXED, file: file as OpenFile, offset: off * PAGE_SIZE });
    off += pages;
    return r;
  };
  seg(image.headerPages, PROT_READ);
  const textStart = base + off * PAGE_SIZE;
  seg(image.textPages, PROT_READ | PROT_EXEC);
  mm.startCode = textStart;
  mm.endCode = base + off * PAGE_SIZE;
  seg(image.rodataPages, PROT_READ);
  mm.startData = base + off * PAGE_SIZE;
  seg(image.dataPages, PROT_READ | PROT_WRITE);
  mm.endData = base + off * PAGE_SIZE;
  const bssStart = base + off * PAGE_SIZE;
  if (image.bssPages) {
    doMmap(k, task, { addr: bssStart, len: image.bssPages * PAGE_SIZE, prot: PROT_READ | PROT_WRITE, flags: MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, file: null, offset: 0 });
  }
  mm.startBrk = mm.brk = bssStart + image.bssPages * PAGE_SIZE;
  // setup_arg_pages(): the stack VMA, accounted, growing down.
  const stackLen = image.stackPages * PAGE_SIZE;
  const stackStart = stackTop - stackLen;
  const flags = VM_DATA_DEFAULT_FLAGS | VM_GROWSDOWN | VM_ACCOUNT;
  if (vmEnoughMemory(k, mm, image.stackPages) < 0) return -ENOMEM;
  const stack = new Vma(mm, stackStart, stackTop, flags, stackStart / PAGE_SIZE, 'anon', null);
  vmaSetPageProt(stack);
  vmaLink(k, stack);
  vmStatAccount(mm, flags, image.stackPages);
  mm.startStack = stackTop - 64;
  // The kernel writes argv, envp and the auxiliary vector at the top of the stack.
  userAccess(k, task, stackTop - PAGE_SIZE, true);
  task.comm = image.path.slice(image.path.lastIndexOf('/') + 1).slice(0, 15);
  task.minFlt = 0;
  task.majFlt = 0;
  mm.hiwaterRss = mm.rssPages;
  mm.hiwaterVm = mm.totalVm;
  return 0;
}

/**
 * brk(2): moves the program break. Growing adds to (or creates) the [heap]
 * VMA, charged to Committed_AS; shrinking unmaps. On failure the old break
 * is returned, as the system call does.
 */
export function sysBrk(k: Kernel, task: Task, brk: number): number {
  const mm = task.mm!;
  const orig = mm.brk;
  if (brk < mm.startBrk) return orig;
  const newbrk = roundUp(brk, PAGE_SIZE);
  const oldbrk = roundUp(mm.brk, PAGE_SIZE);
  if (newbrk === oldbrk) {
    mm.brk = brk;
    return brk;
  }
  if (brk <= mm.brk) {
    mm.brk = brk;
    if (doMunmap(k, mm, newbrk, oldbrk - newbrk) < 0) {
      mm.brk = orig;
      return orig;
    }
    return brk;
  }
  const len = newbrk - oldbrk;
  // Refuse to come within the stack guard gap of the next mapping.
  const next = mm.findVma(oldbrk);
  if (next && newbrk + PAGE_SIZE + 256 * PAGE_SIZE > next.start) return orig;
  const flags = VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm.defFlags;
  if (vmEnoughMemory(k, mm, len / PAGE_SIZE) < 0) return orig;
  const merged = vmaMergeNew(k, mm, { flags, file: null, kind: 'anon', pgoff: oldbrk / PAGE_SIZE, start: oldbrk, end: newbrk, anonVma: null, middle: null });
  if (!merged) {
    const v = new Vma(mm, oldbrk, newbrk, flags, oldbrk / PAGE_SIZE, 'anon', null);
    vmaSetPageProt(v);
    vmaLink(k, v);
  }
  vmStatAccount(mm, flags, len / PAGE_SIZE);
  if (flags & VM_LOCKED) mm.lockedVm += len / PAGE_SIZE;
  mm.updateHiwaterVm();
  mm.brk = brk;
  if (flags & VM_LOCKED) mmPopulate(k, task, oldbrk, len, true);
  return brk;
}
