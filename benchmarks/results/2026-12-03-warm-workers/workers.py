#!/usr/bin/env python3
"""How many of a JVM's bundle worker threads ran calls over an interval, and how the CPU spread.

usage: workers.py PID SECONDS [PREFIX]
Reads /proc/PID/task/*/stat twice, SECONDS apart. Worker threads are those whose comm (the
thread name cut to 15 characters) starts with PREFIX (default: swivel-bench-us, the benchmark
bundle's threads: its workers swivel-bench-users-1.0.0-call-N). Prints the threads alive at both
readings, those that used CPU, and the share of the busiest 8 and 16.
"""
import os
import sys
import time

pid, seconds = sys.argv[1], float(sys.argv[2])
prefix = sys.argv[3] if len(sys.argv) > 3 else "swivel-bench-us"


def snapshot():
    ticks = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if name.startswith(prefix):
            fields = stat[stat.rfind(')') + 2:].split()
            ticks[tid] = int(fields[11]) + int(fields[12])
    return ticks


before = snapshot()
time.sleep(seconds)
after = snapshot()
used = sorted((after[t] - before[t] for t in after if t in before), reverse=True)
total = sum(used) or 1
print(f"worker threads alive at both readings: {len(used)}; used CPU: {sum(1 for u in used if u > 0)}; "
      f"CPU {total / 100 / seconds:.2f} cores; busiest 8: {sum(used[:8]) / total:.0%}, busiest 16: {sum(used[:16]) / total:.0%}")
