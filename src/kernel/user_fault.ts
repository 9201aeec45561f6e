// The x86 user page-fault entry: find the VMA, check the access, call
// handle_mm_fault() (retrying as the kernel does), account the fault.
// Linux: arch/x86/mm/fault.c (do_user_addr_fault, access_error),
// mm/memory.c (mm_account_fault, lock_vma_under_rcu path).
import { PAGE_SIZE, roundDown } from '../hw/addr.js';
import {
  FAULT_FLAG_ALLOW_RETRY,
  FAULT_FLAG_INSTRUCTION,
  FAULT_FLAG_TRIED,
  FAULT_FLAG_USER,
  FAULT_FLAG_WRITE,
  VM_FAULT_ERROR,
  VM_FAULT_MAJOR,
  VM_FAULT_OOM,
  VM_FAULT_RETRY,
  VM_FAULT_SIGBUS,
} from './fault.js';
import type { Kernel } from './kernel.js';
import { endReadIo } from './filemap.js';
import { ACCESS_OK, ACCESS_OOM, ACCESS_SIGBUS, ACCESS_SIGSEGV, handleMmFault } from './memory.js';
import type { Vma } from './mm_types.js';
import type { Task } from './task.js';
import { VM_ACCESS_FLAGS, VM_RAND_READ, VM_SEQ_READ, VM_WRITE } from './vm_flags.js';
import { VM } from './vmstat.js';

/**
 * access_error(): whether the VMA forbids this access outright. Writes need
 * VM_WRITE; a read of a present page can only fault for PROT_NONE; a read of
 * a missing page needs the VMA to be accessible at all.
 */
export function accessError(vma: Vma, write: boolean, present: boolean): boolean {
  if (write) return (vma.flags & VM_WRITE) === 0;
  if (present) return true;
  return (vma.flags & VM_ACCESS_FLAGS) === 0;
}

/**
 * mm_account_fault(): pgfault counts every completed fault, failed or not;
 * the task's counters only successful ones, as major if the final attempt
 * returned VM_FAULT_MAJOR or was a retry.
 */
export function mmAccountFault(k: Kernel, task: Task, flags: number, ret: number): void {
  if (ret & VM_FAULT_RETRY) return;
  k.vmstat.add(VM.pgfault, 1);
  if (ret & VM_FAULT_ERROR) return;
  if (ret & VM_FAULT_MAJOR || flags & FAULT_FLAG_TRIED) task.majFlt++;
  else task.minFlt++;
}

/**
 * Who takes a fault and how it is retried after VM_FAULT_RETRY: a user
 * access (first attempt under the VMA lock, retried as TRIED only if it was
 * major, later ones under mmap_lock always as TRIED); get_user_pages via
 * __get_user_pages_locked() (MADV_POPULATE_*: always retried as TRIED); or
 * __mm_populate() (MAP_POPULATE, mlock), which calls __get_user_pages()
 * again from the failed address without FOLL_TRIED, so a fault that had to
 * read the page completes as a minor one.
 */
export type FaultCaller = 'user' | 'gup' | 'populate';

/**
 * Runs handle_mm_fault() until it stops asking for a retry, retrying as
 * `caller` does (FaultCaller), then accounts the final attempt. Returns the
 * final result.
 */
export function faultWithRetry(k: Kernel, task: Task, vma: Vma, address: number, flags: number, caller: FaultCaller): number {
  let first = caller === 'user';
  let ret = 0;
  // Reads started by this fault stay in flight until it waits for them or
  // ends; the retry's fault-around skips their folios.
  k.deferReadIo = true;
  // lru_gen_enter_fault(): folios added during the fault start active (vma_has_recency).
  k.lruGen.inFault = !(vma.flags & (VM_SEQ_READ | VM_RAND_READ));
  for (let attempt = 0; attempt < 8; attempt++) {
    ret = handleMmFault(k, vma, roundDown(address, PAGE_SIZE), flags);
    if (!(ret & VM_FAULT_RETRY)) break;
    if (caller !== 'populate' && (!first || ret & VM_FAULT_MAJOR)) flags |= FAULT_FLAG_TRIED;
    first = false;
    // The VMA may have changed while the lock was dropped; here it cannot.
  }
  k.deferReadIo = false;
  endReadIo(k);
  k.lruGen.inFault = false;
  mmAccountFault(k, task, flags, ret);
  return ret;
}

/**
 * do_user_addr_fault() for a user access at `addr`. `present` says whether
 * the PTE was present when the CPU faulted. Returns ACCESS_OK when the
 * access can be retried, or the signal to deliver.
 */
export function doUserAddrFault(k: Kernel, task: Task, addr: number, write: boolean, present: boolean, exec = false): number {
  const mm = task.mm!;
  const vma = mm.findVma(addr);
  if (!vma || vma.start > addr) {
    task.lastSignal = { sig: 'SIGSEGV', addr, code: 'SEGV_MAPERR' };
    return ACCESS_SIGSEGV;
  }
  if (accessError(vma, write, present)) {
    task.lastSignal = { sig: 'SIGSEGV', addr, code: 'SEGV_ACCERR' };
    return ACCESS_SIGSEGV;
  }
  let flags = FAULT_FLAG_USER | FAULT_FLAG_ALLOW_RETRY;
  if (write) flags |= FAULT_FLAG_WRITE;
  if (exec) flags |= FAULT_FLAG_INSTRUCTION;
  const ret = faultWithRetry(k, task, vma, addr, flags, 'user');
  if (ret & VM_FAULT_OOM) return ACCESS_OOM;
  if (ret & VM_FAULT_SIGBUS) {
    task.lastSignal = { sig: 'SIGBUS', addr, code: 'BUS_ADRERR' };
    return ACCESS_SIGBUS;
  }
  if (ret & VM_FAULT_ERROR) {
    task.lastSignal = { sig: 'SIGSEGV', addr, code: 'SEGV_ACCERR' };
    return ACCESS_SIGSEGV;
  }
  return ACCESS_OK;
}

export { ACCESS_OK };
