#!/bin/bash
# share of server execution samples whose stack holds each frame
for f in "$@"; do
  jfr print --events jdk.ExecutionSample --stack-depth 64 "$f" > /tmp/ab/jfr-tmp.txt
  total=$(grep -c 'jdk.ExecutionSample' /tmp/ab/jfr-tmp.txt)
  if ! grep -q 'io.swivel.server' /tmp/ab/jfr-tmp.txt; then continue; fi
  echo "$f: $total samples"
  python3 - <<'PY'
import re
t = open('/tmp/ab/jfr-tmp.txt').read().split('jdk.ExecutionSample')
n = len(t) - 1
for label, pat in [('DefaultClassResolver.reset', 'DefaultClassResolver.reset'), ('AllowlistClassResolver.reset', 'AllowlistClassResolver.reset'),
                   ('ObjectIntMap/IntMap.clear', r'(ObjectIntMap|IntMap)\.clear'), ('CallContext.enter', 'CallContext.enter'),
                   ('ThreadLocal.setInitialValue/createMap/set', r'ThreadLocal(\$ThreadLocalMap)?\.(setInitialValue|createMap|set)\('),
                   ('SerializationContext.encode', 'SerializationContext.encode'), ('Output.toBytes', r'Output\.toBytes'), ('FrameEncoder', 'FrameEncoder')]:
    k = sum(1 for s in t[1:] if re.search(pat, s))
    print("  %-45s %4d  %.1f%%" % (label, k, 100.0 * k / max(n, 1)))
PY
done
