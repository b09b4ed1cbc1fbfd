#!/bin/bash
# usage: ab2.sh JVMS TREE_A TREE_B OPS  (Driver2: six other classes through the serializers first)
for i in $(seq 1 $1); do echo "jvm $i load $(cut -d' ' -f1 /proc/loadavg)"; java -Xmx1g -Ddriver=Driver2 -cp /tmp/inproc/main InProc2 $2 $3 $4 2>&1 | grep -v SLF4J; done
