#!/usr/bin/env bash
# Re-makes the cachegrind-compatibility fixtures in fixtures/cachegrind/:
# for each program, a gzipped valgrind lackey trace and the counts cachegrind
# reports for the same program under several cache configurations.
#
#   scripts/capture-cachegrind.sh            # all programs
#   scripts/capture-cachegrind.sh chase      # one program
#
# Needs gcc and valgrind (3.19 was used: apt-get install -y valgrind gcc).
# Programs are C files in fixtures/programs/, built static (-O2 -static, plus
# the flags of a `cflags:` comment on the file's first line) so the trace
# holds no dynamic loader; `sort` is the system binary on a fixed input. Each
# tool runs the program separately, so a program whose execution varies from
# run to run can make the two disagree slightly; the ones here are
# deterministic. Runs use LC_ALL=C. Lackey runs with
# --child-silent-after-fork=yes (as mmsim record does): a forked child's
# references would otherwise go into the parent's log, while cachegrind
# reports the parent alone in the output file.
set -euo pipefail
cd "$(dirname "$0")/.."
# The same locale for every run (sort's collation depends on it). Set here,
# not with env(1): valgrind would trace env, which execs the real program.
export LC_ALL=C
out=fixtures/cachegrind
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# Cache configurations, as cachegrind options. "default" lets cachegrind
# auto-detect (what `mmsim trace FILE --cachegrind` assumes with no options).
configs=(
  "default|"
  "small|--I1=4096,2,64 --D1=4096,2,64 --LL=65536,4,64"
  "mixed-lines|--I1=8192,4,32 --D1=2048,1,32 --LL=131072,8,128"
)

programs=("$@")
if [ ${#programs[@]} -eq 0 ]; then
  programs=()
  for c in fixtures/programs/*.c; do programs+=("$(basename "$c" .c)"); done
  programs+=(sort)
fi

# JSON-escapes a string (quotes and backslashes only; these strings have no control characters).
json_str() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }

for p in "${programs[@]}"; do
  if [ "$p" = sort ]; then
    # A fixed input: 300 lines of a simple recurrence, sorted by the system's sort.
    awk 'BEGIN { x = 7; for (i = 0; i < 300; i++) { x = (x * 75 + 74) % 65537; printf "%05d line %d\n", x, i } }' > "$work/sort.in"
    cmd=(/usr/bin/sort "$work/sort.in")
    build="system binary $(readlink -f /usr/bin/sort); input: 300 generated lines (see script)"
  else
    # Extra compiler flags from a first line "/* cflags: ... " (word-split on purpose).
    cflags=$(sed -n '1s|^/\* cflags: *||p' "fixtures/programs/$p.c")
    # shellcheck disable=SC2086
    gcc -O2 $cflags -static -o "$work/$p" "fixtures/programs/$p.c"
    cmd=("$work/$p")
    build="gcc -O2 ${cflags:+$cflags }-static -o $p fixtures/programs/$p.c ($(gcc --version | head -1))"
  fi
  echo "== $p" >&2
  valgrind --tool=lackey --trace-mem=yes --child-silent-after-fork=yes --log-file="$work/$p.lackey" "${cmd[@]}" > /dev/null
  # Drop valgrind's ==PID== banner (it holds the PID and temp paths) so that
  # re-running the script reproduces the files byte for byte.
  grep -v '^==' "$work/$p.lackey" | gzip -9 -n > "$out/$p.lackey.gz"
  {
    printf '{\n  "program": %s,\n  "build": %s,\n  "valgrind": %s,\n' "$(json_str "$p")" "$(json_str "$build")" "$(json_str "$(valgrind --version)")"
    printf '  "trace": %s,\n' "$(json_str "LC_ALL=C valgrind --tool=lackey --trace-mem=yes --child-silent-after-fork=yes --log-file=$p.lackey ${cmd[*]##*/}; grep -v ^== | gzip -9 -n")"
    printf '  "runs": [\n'
    first=1
    for entry in "${configs[@]}"; do
      name=${entry%%|*}
      opts=${entry#*|}
      rm -f "$work/cg.out"
      # shellcheck disable=SC2086
      valgrind --tool=cachegrind --cache-sim=yes $opts --cachegrind-out-file="$work/cg.out" "${cmd[@]}" > /dev/null 2> "$work/cg.err"
      [ -s "$work/cg.out" ] || { echo "cachegrind wrote no output for $p ($name)" >&2; exit 1; }
      summary=$(awk '/^summary:/ { $1 = ""; sub(/^ /, ""); print }' "$work/cg.out")
      read -r Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw <<< "$summary"
      [ $first -eq 1 ] || printf ',\n'
      first=0
      printf '    {\n      "config": %s,\n      "options": %s,\n' "$(json_str "$name")" "$(json_str "$opts")"
      printf '      "command": %s,\n' "$(json_str "LC_ALL=C valgrind --tool=cachegrind --cache-sim=yes $opts ${cmd[*]##*/}")"
      printf '      "I1": %s,\n      "D1": %s,\n      "LL": %s,\n' \
        "$(json_str "$(sed -n 's/^desc: I1 cache: *//p' "$work/cg.out")")" \
        "$(json_str "$(sed -n 's/^desc: D1 cache: *//p' "$work/cg.out")")" \
        "$(json_str "$(sed -n 's/^desc: LL cache: *//p' "$work/cg.out")")"
      printf '      "counts": { "Ir": %s, "I1mr": %s, "ILmr": %s, "Dr": %s, "D1mr": %s, "DLmr": %s, "Dw": %s, "D1mw": %s, "DLmw": %s }\n    }' \
        "$Ir" "$I1mr" "$ILmr" "$Dr" "$D1mr" "$DLmr" "$Dw" "$D1mw" "$DLmw"
    done
    printf '\n  ]\n}\n'
  } > "$out/$p.json"
done
ls -l "$out" >&2
