#!/bin/bash
# usage: ab.sh JVMS TREE_A TREE_B OPS
for i in $(seq 1 $1); do echo "jvm $i load $(cut -d' ' -f1 /proc/loadavg)"; java -Xmx1g -cp /tmp/inproc/main InProc $2 $3 $4; done
