#!/usr/bin/env bash
# Start-up of a small run: `bin/nodeipam plan -f examples/seed`, wall and CPU time, with the
# class-data sharing archive that `mvn package` makes (target/nodeipam.jsa) and without it.
#   bench/start-up.sh            # 10 runs each, after 2 warm-up runs
#   RUNS=20 bench/start-up.sh
# "Warm machine": the jar, the archive and the JDK are in the page cache (the warm-up runs see to
# it). On a shared machine wall time follows the load; CPU time (user + sys) is the steadier figure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-10}"
jar="$root/target/nodeipam.jar"
archive="$root/target/nodeipam.jsa"
"$root/bin/nodeipam" --version >/dev/null  # builds the jar and the archive if needed
[[ -f "$archive" ]] || { echo "no $archive: run mvn -B -DskipTests package" >&2; exit 1; }
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), load average$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')"

measure() {  # label, then the command; prints median and best wall, median CPU
  local label="$1"; shift
  local walls=() cpus=()
  for ((i = 0; i < 2; i++)); do "$@" >/dev/null; done
  for ((i = 0; i < runs; i++)); do
    local t tfile
    tfile=$(mktemp)
    /usr/bin/time -o "$tfile" -f "%e %U %S" "$@" >/dev/null 2>&1
    t=$(tail -1 "$tfile"); rm -f "$tfile"
    walls+=("$(echo "$t" | cut -d' ' -f1)")
    cpus+=("$(echo "$t" | awk '{printf "%.2f", $2 + $3}')")
  done
  local wall_median wall_best cpu_median
  wall_median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  wall_best=$(printf '%s\n' "${walls[@]}" | sort -n | head -1)
  cpu_median=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-34s wall median %5.2f s, best %5.2f s; CPU median %5.2f s (%d runs)\n' \
    "$label" "$wall_median" "$wall_best" "$cpu_median" "$runs"
}

cd "$root"
measure "bin/nodeipam (archive)" bin/nodeipam plan -f examples/seed
measure "java -jar, no archive" java -XX:+UseSerialGC -jar "$jar" plan -f examples/seed
echo "load average after:$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')"
