// Byte -> digit lookup tables for the text trace parsers. One table load per
// byte replaces range compares and keeps the parse loops branch-light.

/** HEX[c] is the value of hex digit c (0-9, a-f, A-F), else -1. */
export const HEX = new Int8Array(256).fill(-1);
/** DEC[c] is the value of decimal digit c, else -1. */
export const DEC = new Int8Array(256).fill(-1);

for (let c = 0; c < 10; c++) {
  HEX[48 + c] = c;
  DEC[48 + c] = c;
}
for (let c = 0; c < 6; c++) {
  HEX[97 + c] = 10 + c;
  HEX[65 + c] = 10 + c;
}

export const NL = 10;
export const CR = 13;
export const SPACE = 32;
export const TAB = 9;
export const COMMA = 44;

/** Largest integer a double holds exactly (2^53 - 1): numbers above it are rejected. */
export const MAX_EXACT = Number.MAX_SAFE_INTEGER;
