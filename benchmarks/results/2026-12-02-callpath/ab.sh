#!/bin/bash
# usage: ab.sh OUTDIR ROUNDS BASE_TREE CAND_TREE [BenchMain args...]
# Alternates base and candidate (A B A B ...), each served from its own tree with its own harness;
# @RUN@ in the arguments becomes OUTDIR/SIDE-ROUND (made first), for per-run GC logs or JFR files.
out=$1; rounds=$2; base=$3; cand=$4; shift 4
mkdir -p "$out"
for i in $(seq 1 "$rounds"); do
  for side in base cand; do
    tree=$base; [ $side = cand ] && tree=$cand
    run="$out/$side-$i"; mkdir -p "$run"
    args=(); for a in "$@"; do args+=("${a//@RUN@/$run}"); done
    echo "$(date +%T) round $i $side load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
    java -Dswivel.home=$tree -cp "$tree/benchmarks/harness/target/swivel-benchmarks-0.1.0-SNAPSHOT.jar:$tree/benchmarks/harness/target/lib/*" \
      io.swivel.bench.BenchMain --home $tree --results "$run/report" "${args[@]}" > "$run.log" 2>&1
  done
done
echo "$(date +%T) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
