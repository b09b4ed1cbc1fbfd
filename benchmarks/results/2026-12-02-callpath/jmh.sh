#!/bin/bash
# usage: jmh.sh OUTDIR ROUNDS BASE_TREE CAND_TREE — CodecBenchmark (encode/decode getUser's User and listUser's page), trees alternating
out=$1; rounds=$2; base=$3; cand=$4
mkdir -p "$out"
for i in $(seq 1 "$rounds"); do
  for side in base cand; do
    tree=$base; [ $side = cand ] && tree=$cand
    echo "$(date +%T) round $i $side load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
    java -Xms1g -Xmx1g -XX:+UseG1GC -cp "$tree/benchmarks/harness/target/swivel-benchmarks-0.1.0-SNAPSHOT.jar:$tree/benchmarks/harness/target/lib/*" \
      org.openjdk.jmh.Main 'CodecBenchmark.(encode|decode)' -f 1 -wi 3 -w 1s -i 4 -r 1s -rf csv -rff "$out/$side-$i.csv" > "$out/$side-$i.log" 2>&1
  done
done
echo "$(date +%T) done load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
