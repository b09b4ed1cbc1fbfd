#!/bin/bash
# usage: bodies.sh OUTDIR ROUNDS BASE_TREE CAND_TREE; each server logs its GCs (to count humongous allocations)
out=$1; rounds=$2; base=$3; cand=$4
mkdir -p "$out"
for i in $(seq 1 "$rounds"); do
  for side in base cand; do
    tree=$base; [ $side = cand ] && tree=$cand
    mkdir -p "$out/gc-$side-$i"
    echo "$(date +%T) round $i $side load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
    java -Dswivel.home=$tree -cp "$tree/benchmarks/harness/target/swivel-benchmarks-0.1.0-SNAPSHOT.jar:$tree/benchmarks/harness/target/lib/*" \
      io.swivel.bench.BenchMain --home $tree --runs 1 --warmup 4s --duration 8s --results "$out/$side-$i" \
      --scenarios scaling --scaling-parts bodies --scaling-bodies 4096,65536,1048576 \
      --jvm-flags "-Xms1g -Xmx1g -XX:+UseG1GC -Xlog:gc:file=$out/gc-$side-$i/gc-%p.log" > "$out/$side-$i.log" 2>&1
  done
done
echo "$(date +%T) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
