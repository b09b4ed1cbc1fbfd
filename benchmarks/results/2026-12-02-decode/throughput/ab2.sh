#!/bin/bash
# usage: ab2.sh OUT ROUNDS A_TREE B_TREE [OPS] [MODES] [B_PEERS_EVERY_ROUND]
out=$1; rounds=$2; A=$3; B=$4; ops=${5:-getUser,listUser}; modes=${6:-sync,async}; extra=${7:-}
mkdir -p "$out"
for i in $(seq 1 "$rounds"); do
  for side in A B; do
    tree=$A; peers=swivel
    [ $side = B ] && tree=$B
    [ $side = B ] && [ -n "$extra" ] && peers=swivel,$extra
    echo "$(date +%T) round $i $side load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
    java -Dswivel.home=$tree -cp "$tree/benchmarks/harness/target/swivel-benchmarks-0.1.0-SNAPSHOT.jar:$tree/benchmarks/harness/target/lib/*" \
      io.swivel.bench.BenchMain --home $tree --results "$out/$side-$i" --scenarios throughput --ops $ops \
      --modes $modes --runs 1 --warmup 10s --duration 10s --peers $peers > "$out/$side-$i.log" 2>&1
  done
done
echo "$(date +%T) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
