#!/usr/bin/env bash
# Captures the goldens of the fidelity suite from this machine's real kernel:
# runs `mmsim kernel` twice on each test/kernel/scenarios/NAME.scn and writes
# NAME.out (the first run's output) only when both runs agree: the same text,
# except that a field the scenario gives a `# tolerance FIELD=N%` may differ
# by N% (scripts/compare-outputs.ts). A scenario whose two runs differ
# otherwise depends on timing and must be changed; it is reported and its
# golden is left alone. Goldens are never written by hand or by the simulator.
#
#   scripts/capture-goldens.sh            all scenarios
#   scripts/capture-goldens.sh NAME...    only these (names or paths)
#   scripts/capture-goldens.sh --check    compare with the committed goldens, write nothing
#   scripts/capture-goldens.sh --examples the same for examples/*.scn, goldens in
#                                         test/kernel/examples/ (simulator-only ones skipped)
#   scripts/capture-goldens.sh --pressure the same for the memory-pressure suite,
#                                         test/kernel/pressure/*.scn
#
# Exit status: 0 when every scenario was captured (or matched), 1 otherwise.
# Run it on an otherwise idle machine, as root (pagemap needs /proc/kpageflags;
# version-2 scenarios need root for swap files, memory cgroups and sysctls).
set -uo pipefail
cd "$(dirname "$0")/.."
dir=test/kernel/scenarios
outdir=$dir
check=0
names=()
for a in "$@"; do
  case "$a" in
    --check) check=1 ;;
    --examples) dir=examples; outdir=test/kernel/examples; mkdir -p "$outdir" ;;
    --pressure) dir=test/kernel/pressure; outdir=$dir ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) n=$(basename "$a"); names+=("${n%.scn}") ;;
  esac
done
if [ ${#names[@]} -eq 0 ]; then
  for f in "$dir"/*.scn; do
    grep -q '(Simulator only' "$f" && continue
    n=$(basename "$f"); names+=("${n%.scn}")
  done
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
# One `mmsim kernel` run: stdout to $2, exit status checked. Status 2 is a
# scenario that ends in a script error: its stdout ends with the ERROR line.
run() {
  node --import tsx src/cli/main.ts kernel "$1" >"$2" 2>"$2.err"
  local rc=$?
  if [ $rc -ne 0 ] && ! { [ $rc -eq 2 ] && tail -n 1 "$2" | grep -q '^ERROR line '; }; then
    echo "FAIL $1: mmsim kernel exited with status $rc" >&2
    sed 's/^/    /' "$2.err" >&2
    return 1
  fi
  return 0
}
# Two outputs agree: identical, or equal but for the scenario's tolerances.
agree() {
  cmp -s "$2" "$3" && return 0
  node --import tsx scripts/compare-outputs.ts "$1" "$2" "$3" >"$tmp/why" 2>&1
}
for n in "${names[@]}"; do
  scn="$dir/$n.scn"
  out="$outdir/$n.out"
  if [ ! -f "$scn" ]; then echo "FAIL $n: no such scenario $scn" >&2; failed=1; continue; fi
  run "$scn" "$tmp/a" || { failed=1; continue; }
  run "$scn" "$tmp/b" || { failed=1; continue; }
  if ! agree "$scn" "$tmp/a" "$tmp/b"; then
    echo "FAIL $n: two runs disagree beyond the scenario's tolerances (timing-dependent; not captured):" >&2
    sed 's/^/    /' "$tmp/why" >&2
    failed=1
    continue
  fi
  if [ $check -eq 1 ]; then
    if [ ! -f "$out" ]; then echo "FAIL $n: no golden $out" >&2; failed=1
    elif ! agree "$scn" "$out" "$tmp/a"; then
      echo "FAIL $n: differs from the golden:" >&2
      sed 's/^/    /' "$tmp/why" >&2
      failed=1
    else echo "ok   $n"; fi
  else
    cp "$tmp/a" "$out"
    echo "ok   $n -> $out"
  fi
done
exit $failed
