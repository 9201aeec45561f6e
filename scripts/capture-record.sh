#!/usr/bin/env bash
# Re-makes fixtures/record/: builds fixtures/record/mapper.c (gcc -O1
# -static) and keeps the log valgrind writes for `mmsim record` (lackey's
# references and --trace-syscalls lines interleaved, the exact options
# src/cli/commands/record.ts uses), gzipped, plus the program's
# /proc/PID/maps read at its first reference, and an mmsim recording of it.
# Needs gcc and valgrind (3.19 was used).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C
out=fixtures/record
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O1 -static -o "$work/mapper" "$out/mapper.c"
valgrind --tool=lackey --trace-mem=yes --trace-syscalls=yes --log-file="$work/mapper.vglog" "$work/mapper"
# Drop the lines that name the PID and the temporary path, so that the fixture is stable.
grep -v '^==' "$work/mapper.vglog" | gzip -9n > "$out/mapper.vglog.gz"
node bin/mmsim.js record --quiet -o "$out/mapper.mmsim.gz" -- "$work/mapper"
ls -l "$out"
