#!/bin/bash
# usage: run.sh OUT ROUNDS REGEX TREE_A TREE_B
out=$1; rounds=$2; re=$3; a=$4; b=$5
mkdir -p $out
for r in $(seq 1 $rounds); do
  for side in A B; do
    t=$a; [ $side = B ] && t=$b
    cp="$t/benchmarks/harness/target/swivel-benchmarks-0.1.0-SNAPSHOT.jar:$t/benchmarks/harness/target/lib/*"
    java -cp "$cp" org.openjdk.jmh.Main "$re" -f 1 -wi 5 -w 1s -i 5 -r 1s -rf json -rff $out/$side-$r.json > $out/$side-$r.txt 2>&1
    echo "$side-$r $(uptime)" >> $out/log.txt
  done
done
