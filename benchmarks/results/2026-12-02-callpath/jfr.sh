#!/bin/bash
# usage: jfr.sh OUTDIR BASE_TREE CAND_TREE — one sync getUser ×32 run per tree, every JVM recording JFR (settings=profile)
out=$1; base=$2; cand=$3
for side in base cand; do
  tree=$base; [ $side = cand ] && tree=$cand
  mkdir -p "$out/$side/jfr"
  echo "$(date +%T) $side load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
  java -Dswivel.home=$tree -cp "$tree/benchmarks/harness/target/swivel-benchmarks-0.1.0-SNAPSHOT.jar:$tree/benchmarks/harness/target/lib/*" \
    io.swivel.bench.BenchMain --home $tree --runs 1 --warmup 5s --duration 20s --results "$out/$side/report" \
    --scenarios throughput --ops getUser --modes sync --peers swivel \
    --jvm-flags "-Xms1g -Xmx1g -XX:+UseG1GC -XX:StartFlightRecording=settings=profile,filename=$out/$side/jfr/" > "$out/$side.log" 2>&1
done
echo "$(date +%T) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
