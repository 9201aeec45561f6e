// The page-fault context and result codes. Linux: include/linux/mm_types.h
// (enum vm_fault_reason), include/linux/mm.h (struct vm_fault, FAULT_FLAG_*).
import type { Vma } from './mm_types.js';

export const VM_FAULT_OOM = 0x000001;
export const VM_FAULT_SIGBUS = 0x000002;
export const VM_FAULT_MAJOR = 0x000004;
export const VM_FAULT_HWPOISON = 0x000010;
export const VM_FAULT_SIGSEGV = 0x000040;
export const VM_FAULT_NOPAGE = 0x000100;
export const VM_FAULT_LOCKED = 0x000200;
export const VM_FAULT_RETRY = 0x000400;
export const VM_FAULT_FALLBACK = 0x000800;
export const VM_FAULT_DONE_COW = 0x001000;
export const VM_FAULT_COMPLETED = 0x004000;
export const VM_FAULT_ERROR = VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON;

export const FAULT_FLAG_WRITE = 1 << 0;
export const FAULT_FLAG_ALLOW_RETRY = 1 << 2;
export const FAULT_FLAG_TRIED = 1 << 5;
export const FAULT_FLAG_USER = 1 << 6;
export const FAULT_FLAG_INSTRUCTION = 1 << 8;
/** Fault raised by the kernel on the user's behalf (GUP: MAP_POPULATE, mlock, MADV_POPULATE_*). */
export const FAULT_FLAG_REMOTE = 1 << 7;
export const FAULT_FLAG_UNSHARE = 1 << 10;

/** struct vm_fault: what one fault is about, passed down the handlers. */
export interface VmFault {
  vma: Vma;
  /** Faulting address, page aligned. */
  address: number;
  flags: number;
  /** File (or anon) page index of the address. */
  pgoff: number;
  /** Flat index of the PMD entry covering the address. */
  pmdE: number;
  /** The page-cache frame found by ->fault, or -1. */
  page: number;
  /** A new anonymous frame for a private write fault (do_cow_fault), or -1. */
  cowPage: number;
  /** A PTE table allocated ahead of fault-around, or -1. */
  preallocPte: number;
}
