#!/bin/bash
out=$1; mkdir -p $out
for side in B A; do
  tree=/work/wt/format-base; [ $side = B ] && tree=/work/wt/measure-b
  echo "$(date +%T) $side load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/log.txt
  java -Dswivel.home=$tree -cp "$tree/benchmarks/harness/target/swivel-benchmarks-0.1.0-SNAPSHOT.jar:$tree/benchmarks/harness/target/lib/*" \
    io.swivel.bench.BenchMain --home $tree --results "$out/$side-1" --scenarios throughput --ops getUser \
    --modes sync --runs 1 --warmup 30s --duration 10s --peers swivel > "$out/$side-1.log" 2>&1
done
echo "$(date +%T) done" >> $out/log.txt
