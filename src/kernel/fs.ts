// An in-memory file system: inodes, paths, open files and what is "on disk".
// Linux: include/linux/fs.h (struct inode, struct file, file_ra_state).
// Two kinds of mounts: ext4 (a disk: page-cache pages are clean copies of the
// disk, dirtied by writes and written back) and tmpfs/shmem (the page cache is
// the only copy; pages are swap-backed). Paths under /dev/shm are tmpfs,
// everything else ext4. Shared anonymous mappings get an unlinked shmem inode
// named "/dev/zero", as the kernel's shmem_zero_setup() does.

export type FsType = 'ext4' | 'tmpfs' | 'shm' | 'hugetlbfs';

/** Mount points that are tmpfs (the rest of the tree is ext4). */
export const TMPFS_MOUNTS = ['/dev/shm'];

/** Device numbers shown in /proc/PID/maps (major, minor). */
const DEVICES: Record<FsType, [number, number]> = {
  ext4: [0xfe, 0x00],
  tmpfs: [0x00, 0x19],
  shm: [0x00, 0x01],
  hugetlbfs: [0x00, 0x11],
};

/**
 * What the disk holds for one file: `fill` in every byte of [0, fillEnd),
 * zeros elsewhere, except pages written back with other contents.
 */
export class FileData {
  fill = 0;
  fillEnd = 0;
  /** Written-back pages: index → [first byte, fill byte]. */
  readonly pages = new Map<number, [number, number]>();
  /** Pages whose block a hole punch freed (read as zeros, no block). */
  readonly holes = new Set<number>();

  firstByte(index: number): number {
    const p = this.pages.get(index);
    if (p) return p[0];
    return index * 4096 < this.fillEnd && !this.holes.has(index) ? this.fill : 0;
  }

  fillByte(index: number): number {
    const p = this.pages.get(index);
    if (p) return p[1];
    return (index + 1) * 4096 <= this.fillEnd && !this.holes.has(index) ? this.fill : 0;
  }

  /** True if a block backs page `index` (data written, not a hole). */
  allocated(index: number): boolean {
    return this.pages.has(index) || (index * 4096 < this.fillEnd && !this.holes.has(index));
  }

  /** Writeback of page `index` (allocates its block). */
  write(index: number, first: number, fill: number): void {
    this.pages.set(index, [first, fill]);
    this.holes.delete(index);
  }

  /** Hole punch of page `index`: its block is freed. */
  punch(index: number): void {
    this.pages.delete(index);
    this.holes.add(index);
  }

  /** Forgets everything at or beyond `bytes` (truncate). */
  truncate(bytes: number): void {
    this.fillEnd = Math.min(this.fillEnd, bytes);
    for (const i of [...this.pages.keys()]) if (i * 4096 >= bytes) this.pages.delete(i);
    for (const i of [...this.holes]) if (i * 4096 >= bytes) this.holes.delete(i);
  }
}

let nextInodeId = 1;

export class Inode {
  readonly id = nextInodeId++;
  /** Page cache: index → pfn of the frame caching it, -1 if not cached. */
  cache = new Int32Array(16).fill(-1);
  /** Frames in the page cache. */
  nrPages = 0;
  readonly data = new FileData();
  /** i_mmap: every VMA mapping this file. */
  readonly mmaps = new Set<import('./mm_types.js').Vma>();
  /** Open file descriptors keeping an unlinked inode alive (VMAs count through `mmaps`). */
  openCount = 0;
  /** When the first of the file's pages now dirty became dirty (ms), -1 when clean. */
  dirtiedWhen = -1;
  /** Workingset shadow entries left where cached pages were evicted: index → shadow. */
  readonly shadows = new Map<number, number>();
  /** Shmem pages swapped out: index → swap entry. */
  readonly swapped = new Map<number, number>();
  /** Pages charged to Committed_AS for this shmem object (shmem_acct_size), 0 if none. */
  acctPages = 0;
  nlink = 1;
  /** ext4 EXT4_STATE_DA_ALLOC_CLOSE: truncated to size 0, flush on the next release (fs_writeback.ts). */
  daAllocClose = false;
  /** Largest page-cache folio order (ext4 large folios: up to PMD order). */
  readonly maxFolioOrder: number;

  constructor(
    readonly fs: FsType,
    readonly ino: number,
    public path: string,
    public size: number,
  ) {
    this.maxFolioOrder = fs === 'ext4' || fs === 'hugetlbfs' ? 9 : 0;
  }

  /** Swap-backed (tmpfs/shmem) rather than backed by a disk. */
  get isShmem(): boolean {
    return this.fs === 'tmpfs' || this.fs === 'shm';
  }

  get dev(): [number, number] {
    return DEVICES[this.fs];
  }

  /** Pages covering i_size, rounded up. */
  get sizePages(): number {
    return Math.ceil(this.size / 4096);
  }

  /** The pfn caching `index`, or -1. */
  lookup(index: number): number {
    return index < this.cache.length ? this.cache[index]! : -1;
  }

  /** Records that `pfn` caches `index`, growing the index as needed. */
  store(index: number, pfn: number): void {
    if (index >= this.cache.length) {
      let n = this.cache.length;
      while (n <= index) n *= 2;
      const c = new Int32Array(n).fill(-1);
      c.set(this.cache);
      this.cache = c;
    }
    this.cache[index] = pfn;
  }
}

/** mmap read-around and read() readahead state of one open file (file_ra_state). */
export class RaState {
  start = 0;
  size = 0;
  asyncSize = 0;
  /** Folio order readahead last used. */
  order = 0;
  /** Page-cache misses through mmap, capped at MMAP_LOTSAMISS * 10. */
  mmapMiss = 0;
  /** Byte position after the last read(), for sequential detection. */
  prevPos = -1;
  constructor(readonly raPages: number) {}
}

/** An open file description (struct file), shared by the VMAs of one mmap. */
export class OpenFile {
  readonly ra: RaState;
  constructor(
    readonly inode: Inode,
    readonly writable: boolean,
    raPages: number,
  ) {
    this.ra = new RaState(raPages);
  }
}

/** The directory tree: paths to inodes. */
export class Namespace {
  private readonly paths = new Map<string, Inode>();
  private nextIno = 1000;
  /** Working directory for relative paths. */
  cwd = '/tmp/mmsim';

  /** Absolute, normalized form of a path ('.' and '..' resolved, no trailing '/'). */
  resolve(path: string): string {
    const parts: string[] = [];
    for (const part of (path.startsWith('/') ? path : `${this.cwd}/${path}`).split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') parts.pop();
      else parts.push(part);
    }
    return '/' + parts.join('/');
  }

  /** True for the directories of the tree: the root, the mounts, the cwd and every parent of a file. */
  isDirectory(path: string): boolean {
    const abs = this.resolve(path);
    const dirs = ['/', '/tmp', '/dev', ...TMPFS_MOUNTS, this.cwd];
    if (dirs.some((d) => d === abs || d.startsWith(abs + '/'))) return true;
    for (const p of this.paths.keys()) if (p.startsWith(abs + '/')) return true;
    return false;
  }

  fsTypeOf(path: string): FsType {
    const abs = this.resolve(path);
    return TMPFS_MOUNTS.some((m) => abs === m || abs.startsWith(m + '/')) ? 'tmpfs' : 'ext4';
  }

  lookup(path: string): Inode | undefined {
    return this.paths.get(this.resolve(path));
  }

  /**
   * True if resolving `path` must fail with ENOTDIR: a regular file is used
   * as a directory (a component before the last, or a trailing '/').
   */
  notDir(path: string): boolean {
    if (path.endsWith('/') && this.lookup(path)) return true;
    const abs = this.resolve(path);
    for (let i = abs.indexOf('/', 1); i > 0; i = abs.indexOf('/', i + 1)) if (this.paths.has(abs.slice(0, i))) return true;
    return false;
  }

  /** Creates an empty inode at path, replacing (unlinking) any previous one. */
  create(path: string): { inode: Inode; replaced: Inode | undefined } {
    const abs = this.resolve(path);
    const replaced = this.paths.get(abs);
    if (replaced) replaced.nlink = 0;
    const inode = new Inode(this.fsTypeOf(abs), this.nextIno++, abs, 0);
    this.paths.set(abs, inode);
    return { inode, replaced };
  }

  /** Removes a path; returns the inode it named. */
  unlink(path: string): Inode | undefined {
    const abs = this.resolve(path);
    const inode = this.paths.get(abs);
    if (!inode) return undefined;
    this.paths.delete(abs);
    inode.nlink = 0;
    return inode;
  }

  /** A new unlinked file on the kernel's internal hugetlbfs mount, as for MAP_HUGETLB. */
  hugetlbAnon(sizeBytes: number): Inode {
    const inode = new Inode('hugetlbfs', this.nextIno++, '/anon_hugepage', sizeBytes);
    inode.nlink = 0;
    return inode;
  }

  /** A new unlinked shmem inode, as for MAP_SHARED|MAP_ANONYMOUS. */
  shmemZero(sizeBytes: number): Inode {
    const inode = new Inode('shm', this.nextIno++, '/dev/zero', sizeBytes);
    inode.nlink = 0;
    return inode;
  }
}
