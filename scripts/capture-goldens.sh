#!/usr/bin/env bash
# Captures the goldens of the fidelity suite from this machine's real kernel:
# runs `mmsim kernel` twice on each test/kernel/scenarios/NAME.scn and writes
# NAME.out only when both runs print the same text. A scenario whose two runs
# differ depends on timing and must be changed; it is reported and its golden
# is left alone. Goldens are never written by hand or by the simulator.
#
#   scripts/capture-goldens.sh            all scenarios
#   scripts/capture-goldens.sh NAME...    only these (names or paths)
#   scripts/capture-goldens.sh --check    compare with the committed goldens, write nothing
#   scripts/capture-goldens.sh --examples the same for examples/*.scn, goldens in
#                                         test/kernel/examples/ (simulator-only ones skipped)
#
# Exit status: 0 when every scenario was captured (or matched), 1 otherwise.
# Run it on an otherwise idle machine, as root (pagemap needs /proc/kpageflags).
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
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
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
for n in "${names[@]}"; do
  scn="$dir/$n.scn"
  out="$outdir/$n.out"
  if [ ! -f "$scn" ]; then echo "FAIL $n: no such scenario $scn" >&2; failed=1; continue; fi
  run "$scn" "$tmp/a" || { failed=1; continue; }
  run "$scn" "$tmp/b" || { failed=1; continue; }
  if ! cmp -s "$tmp/a" "$tmp/b"; then
    echo "FAIL $n: two runs printed different output (timing-dependent scenario; not captured):" >&2
    diff "$tmp/a" "$tmp/b" | sed 's/^/    /' >&2
    failed=1
    continue
  fi
  if [ $check -eq 1 ]; then
    if [ ! -f "$out" ]; then echo "FAIL $n: no golden $out" >&2; failed=1
    elif ! cmp -s "$tmp/a" "$out"; then
      echo "FAIL $n: differs from the golden:" >&2
      diff "$out" "$tmp/a" | sed 's/^/    /' >&2
      failed=1
    else echo "ok   $n"; fi
  else
    cp "$tmp/a" "$out"
    echo "ok   $n -> $out"
  fi
done
exit $failed
