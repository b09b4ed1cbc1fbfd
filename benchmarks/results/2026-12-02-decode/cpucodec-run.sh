#!/bin/bash
# usage: run.sh TREE  -> one CpuCodec run against TREE's protocol and user-api classes (deps from main's harness lib)
T=$1; LIB=$(ls /work/main/benchmarks/harness/target/lib/*.jar | grep -v swivel | tr '\n' ':')
CP="$T/protocol/target/classes:$T/benchmarks/user-api/target/classes:$LIB"
O=/tmp/codec19/out-$(basename $T); mkdir -p $O
javac -nowarn -d $O -cp "$CP" /tmp/codec19/CpuCodec.java 2>&1 | grep -v -i 'note\|warning'
echo "load $(cut -d' ' -f1-3 /proc/loadavg) tree $T"
for op in ${OPS:-encodeUser decodeUser encodePage decodePage}; do java -cp "$O:$CP" CpuCodec $op; done
