// errno values as x86-64 Linux numbers them (include/uapi/asm-generic/errno-base.h,
// errno.h). System calls return 0 or a negative errno, as in the kernel.

export const EPERM = 1;
export const ENOENT = 2;
export const EINTR = 4;
export const EIO = 5;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const ETXTBSY = 26;
export const EFBIG = 27;
export const ENOSPC = 28;
export const EOVERFLOW = 75;
export const EOPNOTSUPP = 95;
export const EHWPOISON = 133;

const NAMES: Record<number, string> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [EINTR]: 'EINTR',
  [EIO]: 'EIO',
  [EBADF]: 'EBADF',
  [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM',
  [EACCES]: 'EACCES',
  [EFAULT]: 'EFAULT',
  [EBUSY]: 'EBUSY',
  [EEXIST]: 'EEXIST',
  [ENODEV]: 'ENODEV',
  [ENOTDIR]: 'ENOTDIR',
  [EISDIR]: 'EISDIR',
  [EINVAL]: 'EINVAL',
  [ETXTBSY]: 'ETXTBSY',
  [EFBIG]: 'EFBIG',
  [ENOSPC]: 'ENOSPC',
  [EOVERFLOW]: 'EOVERFLOW',
  [EOPNOTSUPP]: 'EOPNOTSUPP',
  [EHWPOISON]: 'EHWPOISON',
};

/** "ok" for 0 (or any non-negative result), else the errno's symbolic name. */
export function errnoName(ret: number): string {
  if (ret >= 0) return 'ok';
  return NAMES[-ret] ?? `E${-ret}`;
}
