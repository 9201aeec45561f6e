// File system calls on the in-memory file system: creating and writing a
// file, pread, fsync, posix_fadvise(DONTNEED), truncate, unlink.
// Linux: mm/filemap.c (filemap_read, generic_perform_write), mm/fadvise.c
// (generic_fadvise), fs/sync.c, fs/open.c (do_truncate), fs/namei.c.
import { EISDIR, ENODEV, ENOENT, ENOTDIR } from './errno.js';
import { filemapGetOrRead, filemapUpdateFolio, filemapWrite, folioMarkAccessed, invalidateMappingPages, pageCacheAsyncRa, pageCacheSyncRa } from './filemap.js';
import { OpenFile, type Inode } from './fs.js';
import { ext4ReleaseFile } from './fs_writeback.js';
import type { Kernel } from './kernel.js';
import { kmapLocal } from './highmem.js';
import { lruAddDrain } from './lru_cache.js';
import { maybeEvictInode } from './mmap.js';
import { fsyncRange } from './msync.js';
import { PG_readahead } from './page.js';
import { doTruncate } from './truncate.js';

/** The readahead window of a new open file, in pages (bdi->ra_pages). */
export function raPagesFor(k: Kernel, inode: Inode): number {
  return inode.isShmem ? 0 : Math.floor(k.machine.readAheadKb / 4);
}

/**
 * open(2) of an existing regular file, or a negative errno: ENOENT when
 * missing, EISDIR for a directory opened for writing, ENODEV for a
 * directory opened read-only (what mmap of it then fails with).
 */
export function openFile(k: Kernel, path: string, writable = true): OpenFile | number {
  if (k.fs.notDir(path)) return -ENOTDIR;
  const inode = k.fs.lookup(path);
  if (!inode) {
    if (k.fs.isDirectory(path)) return writable ? -EISDIR : -ENODEV;
    return -ENOENT;
  }
  return new OpenFile(inode, writable, raPagesFor(k, inode));
}

/**
 * close(2) of an fd that holds the only reference to its open file (one
 * not mapped): the file's ->release runs (ext4ReleaseFile).
 */
export function closeFile(k: Kernel, file: OpenFile): void {
  ext4ReleaseFile(k, file.inode);
}

/**
 * Creates `path` afresh (unlinking any old file) holding `pages` pages of
 * byte `fill`, written `chunk` pages per write(), then fsync()ed, as the
 * scenario language's `file` operation does.
 */
export function createFile(k: Kernel, path: string, pages: number, fill: number, chunk: number): Inode {
  const { inode, replaced } = k.fs.create(path);
  if (replaced) maybeEvictInode(k, replaced);
  k.inodes.set(inode.id, inode);
  for (let at = 0; at < pages; at += chunk) {
    const n = Math.min(chunk, pages - at);
    inode.size = (at + n) * 4096;
    if (!filemapWrite(k, inode, at, n, fill)) throw new Error('out of memory writing a file');
  }
  inode.data.fill = fill;
  inode.data.fillEnd = inode.isShmem ? 0 : pages * 4096;
  fsync(k, inode);
  return inode;
}

/**
 * Creates `path` afresh holding `pages` pages of byte `fill` written with
 * O_DIRECT: the data goes to the disk and the page cache holds none of it
 * (how the real-kernel runner writes a swap file, whose I/O bypasses the
 * page cache anyway). Only for disk files.
 */
export function createFileDirect(k: Kernel, path: string, pages: number, fill: number): Inode {
  const { inode, replaced } = k.fs.create(path);
  if (replaced) maybeEvictInode(k, replaced);
  k.inodes.set(inode.id, inode);
  inode.size = pages * 4096;
  inode.data.fill = fill;
  inode.data.fillEnd = pages * 4096;
  k.ioWritePages += pages;
  return inode;
}

/** fsync(2): writes back every dirty page of the file. */
export function fsync(k: Kernel, inode: Inode): void {
  fsyncRange(k, inode, 0, Math.max(inode.cache.length, inode.sizePages));
}

/**
 * posix_fadvise(POSIX_FADV_DONTNEED) over the whole file: starts writeback,
 * then drops the clean, unmapped pages. Returns the pages dropped. (The
 * caller closes the file it used: closeFile.)
 */
export function fadviseDontneed(k: Kernel, inode: Inode): number {
  fsync(k, inode);
  // generic_fadvise() drains this CPU's folio batches before invalidating.
  lruAddDrain(k);
  return invalidateMappingPages(k, inode, 0, Math.max(inode.cache.length, inode.sizePages));
}

/** truncate(2) to `bytes`. */
export function truncateFile(k: Kernel, inode: Inode, bytes: number): void {
  doTruncate(k, inode, bytes);
}

/** unlink(2); the inode lives on while mapped. Returns 0 or -ENOENT. */
export function unlinkFile(k: Kernel, path: string): number {
  const inode = k.fs.unlink(path);
  if (!inode) return -ENOENT;
  maybeEvictInode(k, inode);
  return 0;
}

/**
 * pread(2) of one byte at page `index` (filemap_read): a cache miss starts
 * synchronous readahead, a PG_readahead folio asynchronous readahead; the
 * folio is marked accessed. tmpfs reads (shmem_file_read_iter) never read
 * ahead nor fill holes. Returns the byte, or -1 past EOF.
 */
export function preadByte(k: Kernel, file: OpenFile, index: number): number {
  const inode = file.inode;
  const pos = index * 4096;
  if (pos >= inode.size) return -1;
  if (inode.isShmem) {
    // shmem_file_read_iter(): no readahead; a hole reads as zeros without
    // allocating; a page read from its start is marked accessed.
    const page = inode.lookup(index);
    if (page < 0) return 0;
    folioMarkAccessed(k, k.pages.folioOf(page));
    return k.mem.first[page]!;
  }
  const ra = file.ra;
  let pfn = inode.lookup(index);
  if (pfn < 0) {
    pageCacheSyncRa(k, file, index, 1);
    pfn = inode.lookup(index);
    if (pfn < 0) pfn = filemapGetOrRead(k, inode, index);
  }
  const head = k.pages.folioOf(pfn);
  filemapUpdateFolio(k, head);
  if (k.pages.flags[head]! & PG_readahead) pageCacheAsyncRa(k, file, head, k.pages.index[head]!, index + 1 - k.pages.index[head]!);
  const prevIndex = ra.prevPos < 0 ? -1 : Math.floor((ra.prevPos - 1) / 4096);
  const prevHead = prevIndex >= 0 ? inode.lookup(prevIndex) : -1;
  if (prevHead < 0 || k.pages.folioOf(prevHead) !== head) folioMarkAccessed(k, head);
  ra.prevPos = pos + 1;
  kmapLocal(k.mem, pfn); // copy_page_to_iter() maps a HighMem page
  return k.mem.first[pfn]!;
}
