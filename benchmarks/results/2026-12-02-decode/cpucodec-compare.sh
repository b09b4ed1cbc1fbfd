#!/bin/bash
# usage: compare.sh ROUNDS TREE_A TREE_B  -> alternating CpuCodec runs, medians per tree
R=$1; A=$2; B=$3; OUT=/tmp/codec19/cmp-$(date +%H%M%S).txt
for i in $(seq 1 $R); do for t in $A $B; do /tmp/codec19/run.sh $t | sed "s|^|$(basename $t) |" >> $OUT; done; done
python3 - "$OUT" "$(basename $A)" "$(basename $B)" <<'PY'
import sys, statistics, collections
out, a, b = sys.argv[1:]
d = collections.defaultdict(list); al = {}
for line in open(out):
    p = line.split()
    if len(p) >= 5 and p[2] == 'cpu_ns_per_op_min':
        d[(p[0], p[1])].append(int(p[3])); al[(p[0], p[1])] = int(p[5])
for op in [o for o in ['encodeUser','decodeUser','encodePage','decodePage'] if (a,o) in d]:
    ma, mb = statistics.median(d[(a,op)]), statistics.median(d[(b,op)])
    print(f"{op:11s} {a} {ma:7.0f} ns {al[(a,op)]:6d} B | {b} {mb:7.0f} ns {al[(b,op)]:6d} B | ratio {mb/ma:.2f}  runs {d[(a,op)]} {d[(b,op)]}")
PY
echo "raw: $OUT"
