#!/bin/bash
# The runs of this directory: TREE=a built checkout (benchmarks/harness packaged), OUT=where results go.
# Runs 2-5 were these lines (run 1 the same BenchMain line, sampled by hand); run 2-3 missed the client (a wrong pgrep pattern).
TREE=${TREE:?set TREE to a built checkout}; OUT=${OUT:?set OUT to a directory}; mkdir -p "$OUT"
for i in 2 3 4 5; do
java -Dswivel.home=$TREE -cp "$TREE/benchmarks/harness/target/swivel-benchmarks-0.1.0-SNAPSHOT.jar:$TREE/benchmarks/harness/target/lib/*" io.swivel.bench.BenchMain --home $TREE --results $OUT/r$i --scenarios throughput --ops listUser --modes sync --runs 1 --warmup 15s --duration 30s --peers swivel > $OUT/r$i.log 2>&1 &
sleep 25
s=$(pgrep -f 'swivel-server-runtime-0.1.0-SNAPSHOT.jar' | head -1); c=$(pgrep -f "UseG1GC -cp $TREE/benchmarks" | head -1)
echo "load $(cut -d' ' -f1-3 /proc/loadavg)" > $OUT/t$i.txt
echo "## server pid $s" >> $OUT/t$i.txt; python3 $TREE/benchmarks/results/2026-12-03-threads/threads.py $s 10 >> $OUT/t$i.txt &
echo "## client pid $c" > $OUT/c$i.txt; python3 $TREE/benchmarks/results/2026-12-03-threads/threads.py $c 10 >> $OUT/c$i.txt
wait
done
