#!/bin/bash
# usage: ab.sh OUTDIR ROUNDS BASE_TREE CAND_TREE [extra BenchMain args...]
# alternates base and candidate, each served from its own tree with its own harness (client)
out=$1; rounds=$2; base=$3; cand=$4; shift 4
mkdir -p "$out"
for i in $(seq 1 "$rounds"); do
  for side in base cand; do
    tree=$base; [ $side = cand ] && tree=$cand
    h=${HARNESS:-$tree}
    echo "$(date +%T) round $i $side load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
    java -Dswivel.home=$tree -cp "$h/benchmarks/harness/target/swivel-benchmarks-0.1.0-SNAPSHOT.jar:$h/benchmarks/harness/target/lib/*" \
      io.swivel.bench.BenchMain --home $tree --runs 1 --warmup 5s --duration 10s --results "$out/$side-$i" "$@" > "$out/$side-$i.log" 2>&1
  done
done
echo "$(date +%T) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
