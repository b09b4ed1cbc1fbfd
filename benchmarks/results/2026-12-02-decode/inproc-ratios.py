"""Median over JVMs of candidate/main thread-CPU ratios from InProc runs in both load orders."""
import re, statistics, sys
def ratios(path, invert):
    out = {}
    for line in open(path):
        m = re.match(r'(\w+) A (\d+) B (\d+) ratio', line)
        if m:
            r = int(m.group(3)) / int(m.group(2))
            out.setdefault(m.group(1), []).append(1 / r if invert else r)
    return out
for name, fwd, rev in [('decoder', 'inproc-decoder-main-then-decoder.txt', 'inproc-decoder-decoder-then-main.txt'),
                       ('accessors', 'inproc-accessors-main-then-accessors.txt', 'inproc-accessors-accessors-then-main.txt'),
                       ('accessors, six other classes first', 'inproc-accessors-polluted-main-then-accessors.txt', 'inproc-accessors-polluted-accessors-then-main.txt'),
                       ('scalars without a frame (against the decoder)', 'inproc-scalars-decoder-then-scalars.txt', 'inproc-scalars-scalars-then-decoder.txt')]:
    a, b = ratios(fwd, False), ratios(rev, True)
    for op in a:
        vs = a[op] + b[op]
        print(f"{name} | {op:10s} candidate/main median {statistics.median(vs):.2f} range {min(vs):.2f}-{max(vs):.2f} ({', '.join(f'{v:.2f}' for v in vs)})")
