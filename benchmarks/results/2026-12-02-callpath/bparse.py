import sys, glob, os, statistics, re
d = sys.argv[1]
data = {}
for f in sorted(glob.glob(d + '/*-*/*/summary.md')):
    side, rnd = os.path.basename(os.path.dirname(os.path.dirname(f))).rsplit('-', 1)
    on = False
    for line in open(f):
        if line.startswith('## getBody'): on = True; continue
        if on and line.startswith('## '): on = False
        c = [x.strip() for x in line.split('|')]
        if on and len(c) > 11 and c[1].isdigit():
            data.setdefault((side, int(c[1])), []).append((int(rnd), float(c[2]), float(c[6]), float(c[7]), float(c[8]), float(c[9])))
gc = {}
for f in glob.glob(d + '/gc-*/*.log'):
    side, rnd = os.path.basename(os.path.dirname(f))[3:].rsplit('-', 1)
    t = open(f).read()
    gc.setdefault(side, []).append((int(rnd), t.count('Humongous'), len(re.findall(r'Pause', t))))
med = statistics.median
print("| body bytes | tree | ops/s per round | server CPU µs/call per round | median | µs per KiB (median) | p99 µs (median) | server RSS MiB (median) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for k in sorted(data, key=lambda k: (k[1], k[0])):
    r = sorted(data[k])
    print("| %d | %s | %s | %s | %.1f | %.2f | %.0f | %.0f |" % (k[1], k[0], " · ".join("%.0f" % x[1] for x in r), " · ".join("%.1f" % x[3] for x in r), med([x[3] for x in r]), med([x[4] for x in r]), med([x[2] for x in r]), med([x[5] for x in r])))
print()
print("| body bytes | server CPU per call, cand ÷ base per pair | median |")
print("| --- | --- | --- |")
for size in sorted(set(k[1] for k in data)):
    b = dict((x[0], x) for x in data.get(('base', size), [])); c = dict((x[0], x) for x in data.get(('cand', size), []))
    p = sorted(set(b) & set(c)); r = [c[i][3] / b[i][3] for i in p]
    if r: print("| %d | %s | %.2f |" % (size, " · ".join("%.2f" % x for x in r), med(r)))
print()
print("| server JVM | GCs caused by a humongous allocation, per round (the whole run: 4 KB, 64 KB and 1 MB levels) | GC pauses per round |")
print("| --- | --- | --- |")
for side in sorted(gc):
    r = sorted(gc[side]); print("| %s | %s | %s |" % (side, " · ".join(str(x[1]) for x in r), " · ".join(str(x[2]) for x in r)))
