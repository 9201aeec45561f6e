// The public API of mmsim. Nothing outside this file is public.
export { PAGE_SIZE, PAGE_SHIFT } from './hw/addr.js';
