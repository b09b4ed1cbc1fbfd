#!/usr/bin/env python3
"""CPU time and context switches of one JVM's threads over an interval, grouped by thread name.

usage: threads.py PID SECONDS
Reads /proc/PID/task/*/stat (utime, stime: 10 ms ticks) and status (voluntary and involuntary
context switches) twice, SECONDS apart, and prints the differences per thread-name group (digits
in names replaced by #). Only threads alive at both readings count.
"""
import collections
import os
import re
import sys
import time

pid, seconds = sys.argv[1], float(sys.argv[2])


def snapshot():
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        base = f"/proc/{pid}/task/{tid}"
        try:
            name = open(f"{base}/comm").read().strip()
            stat = open(f"{base}/stat").read()
            status = open(f"{base}/status").read()
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended between the listing and the reads: it counts in neither
        fields = stat[stat.rfind(')') + 2:].split()
        voluntary = int(re.search(r'^voluntary_ctxt_switches:\s+(\d+)', status, re.M).group(1))
        involuntary = int(re.search(r'^nonvoluntary_ctxt_switches:\s+(\d+)', status, re.M).group(1))
        threads[tid] = (name, int(fields[11]), int(fields[12]), voluntary, involuntary)
    return threads


before = snapshot()
time.sleep(seconds)
after = snapshot()
groups = collections.defaultdict(lambda: [0, 0, 0, 0, 0])
for tid, (name, user, system, voluntary, involuntary) in after.items():
    if tid in before:
        _, user0, system0, voluntary0, involuntary0 = before[tid]
        group = groups[re.sub(r'\d+', '#', name)]
        group[0] += user - user0
        group[1] += system - system0
        group[2] += voluntary - voluntary0
        group[3] += involuntary - involuntary0
        group[4] += 1
total = sum(g[0] + g[1] for g in groups.values())
print("total cpu ticks(1/100s)", total, "cores", total / 100 / seconds)
for name, g in sorted(groups.items(), key=lambda item: -(item[1][0] + item[1][1])):
    if g[0] + g[1] > 0 or g[2] > 100:
        print(f"{name:28s} n={g[4]:3d} user={g[0]:5d} sys={g[1]:5d} vcsw={g[2]:7d} nvcsw={g[3]:6d}")
