import sys, glob, re, statistics, os
d = sys.argv[1]
rows = {}  # (side, mode, peer) -> list of (round, ops, p99, scpu, ccpu)
for f in sorted(glob.glob(d + '/*-*/*/summary.md')):
    side, rnd = os.path.basename(os.path.dirname(os.path.dirname(f))).rsplit('-', 1)
    for line in open(f):
        c = [x.strip() for x in line.split('|')]
        if len(c) > 12 and c[1].startswith(('sync', 'async')) and c[3] in ('swivel', 'netty', 'swivel-direct', 'grpc-direct'):
            rows.setdefault((side, c[1], c[2], c[3]), []).append((int(rnd), float(c[4]), float(c[8]), float(c[10]), float(c[11])))
def med(xs): return statistics.median(xs)
print("| mode | op | peer | tree | ops/s per round | median | p99 µs (median) | server CPU µs/call per round | median | client CPU µs/call per round | median |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for key in sorted(rows, key=lambda k: (k[1], k[2], k[3], k[0])):
    r = sorted(rows[key])
    print("| %s | %s | %s | %s | %s | %.0f | %.0f | %s | %.1f | %s | %.1f |" % (key[1], key[2], key[3], key[0],
        " · ".join("%.0f" % x[1] for x in r), med([x[1] for x in r]), med([x[2] for x in r]),
        " · ".join("%.1f" % x[3] for x in r), med([x[3] for x in r]), " · ".join("%.1f" % x[4] for x in r), med([x[4] for x in r])))
# ratios cand/base per pair, medians
print()
print("| mode | op | peer | ops/s cand÷base per pair | median | server CPU/call cand÷base per pair | median | client CPU/call cand÷base | median | swivel server CPU ÷ netty server CPU (base / cand, medians) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for key in sorted(rows):
    if key[0] != 'base': continue
    ck = ('cand',) + key[1:]
    if ck not in rows: continue
    b = dict((x[0], x) for x in rows[key]); c = dict((x[0], x) for x in rows[ck])
    pairs = sorted(set(b) & set(c))
    ro = [c[i][1] / b[i][1] for i in pairs]; rs = [c[i][3] / b[i][3] for i in pairs]; rc = [c[i][4] / b[i][4] for i in pairs]
    extra = ''
    if key[3] == 'swivel':
        nb = rows.get(('base', key[1], key[2], 'netty')); nc = rows.get(('cand', key[1], key[2], 'netty'))
        if nb and nc:
            extra = "%.2f / %.2f" % (med([x[3] for x in rows[key]]) / med([x[3] for x in nb]), med([x[3] for x in rows[ck]]) / med([x[3] for x in nc]))
    print("| %s | %s | %s | %s | %.2f | %s | %.2f | %s | %.2f | %s |" % (key[1], key[2], key[3], " · ".join("%.2f" % x for x in ro), med(ro),
        " · ".join("%.2f" % x for x in rs), med(rs), " · ".join("%.2f" % x for x in rc), med(rc), extra))
