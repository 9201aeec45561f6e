#!/bin/sh
# Runs scripts/thrash.c on the real kernel: a WS-MiB working set (default
# 600) in a cgroup v1 memory cgroup limited to LIMIT MiB (default 480), with
# a 1 GiB swap file, and prints /proc/pressure before and after. Needs root.
# Usage: scripts/thrash-real.sh [WS_MIB] [LIMIT_MIB]
set -eu
ws=${1:-600}
limit=${2:-480}
dir=$(mktemp -d /var/tmp/mmsim-thrash.XXXXXX)
cg=/sys/fs/cgroup/memory/mmsim-thrash.$$
cleanup() {
  swapoff "$dir/swap" 2>/dev/null || true
  rmdir "$cg" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
cc -O2 -o "$dir/thrash" "$(dirname "$0")/thrash.c"
fallocate -l 1G "$dir/swap"
chmod 600 "$dir/swap"
mkswap "$dir/swap" >/dev/null
swapon "$dir/swap"
mkdir "$cg"
echo $((limit << 20)) > "$cg/memory.limit_in_bytes"
echo "before:"; cat /proc/pressure/memory /proc/pressure/io
sh -c "echo \$\$ > $cg/tasks; exec $dir/thrash $ws"
echo "after:"; cat /proc/pressure/memory /proc/pressure/io
