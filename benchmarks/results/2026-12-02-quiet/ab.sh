#!/bin/bash
# A = main before this stop (e0e45a7), B = this stop's main; rounds alternate A B.
out=$1; rounds=$2
A=/work/wt/format-base; B=/work/wt/measure-b
mkdir -p "$out"
for i in $(seq 1 "$rounds"); do
  for side in A B; do
    tree=$A; peers=swivel
    [ $side = B ] && tree=$B && peers=swivel,netty,grpc-direct
    echo "$(date +%T) round $i $side load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
    java -Dswivel.home=$tree -cp "$tree/benchmarks/harness/target/swivel-benchmarks-0.1.0-SNAPSHOT.jar:$tree/benchmarks/harness/target/lib/*" \
      io.swivel.bench.BenchMain --home $tree --results "$out/$side-$i" --scenarios throughput --ops getUser,listUser \
      --modes sync,async --runs 1 --warmup 10s --duration 10s --peers $peers > "$out/$side-$i.log" 2>&1
  done
done
echo "$(date +%T) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
