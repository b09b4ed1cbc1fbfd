import csv,glob,os,sys,statistics as st
out=sys.argv[1]
rows={}
for side in 'AB':
    for d in sorted(glob.glob(f'{out}/{side}-*')):
        if not os.path.isdir(d): continue
        rnd=d.rsplit('-',1)[1]
        for f in glob.glob(d+'/**/*.csv',recursive=True):
            with open(f) as fh:
                r=csv.DictReader(fh)
                if 'ops_per_s' not in (r.fieldnames or []): continue
                for x in r:
                    peer=x['peer'] if side=='B' or x['peer']!='swivel' else 'swivel-before'
                    if side=='B' and x['peer']=='swivel': peer='swivel-now'
                    rows.setdefault((x['mode'],x['op']),{}).setdefault(peer,{})[rnd]=x
def med(vals): return st.median(vals) if vals else float('nan')
print('| mode | op | peer | ops/s (median; rounds) | p99 µs | server CPU µs/call | client CPU µs/call |')
print('| --- | --- | --- | --- | --- | --- | --- |')
for (mode,op),peers in sorted(rows.items()):
    for peer in ['swivel-before','swivel-now','netty','grpc-direct']:
        if peer not in peers: continue
        rs=peers[peer]
        ops=[float(rs[k]['ops_per_s']) for k in sorted(rs)]
        p99=[float(rs[k]['p99_us']) for k in sorted(rs)]
        sc=[float(rs[k]['server_cpu_us_per_call']) for k in sorted(rs)]
        cc=[float(rs[k]['client_cpu_us_per_call']) for k in sorted(rs)]
        print(f"| {mode} | {op} | {peer} | {med(ops):,.0f} ({' / '.join(f'{v:,.0f}' for v in ops)}) | {med(p99):,.0f} | {med(sc):.1f} | {med(cc):.1f} |")
print()
print('Same-round ratios (median of rounds; range):')
for (mode,op),peers in sorted(rows.items()):
    def ratio(a,b,key):
        if a not in peers or b not in peers: return None
        vs=[float(peers[a][k][key])/float(peers[b][k][key]) for k in peers[a] if k in peers[b] and float(peers[b][k][key])>0]
        return (med(vs),min(vs),max(vs)) if vs else None
    for a,b,key,label in [('swivel-now','swivel-before','ops_per_s','ops now/before'),
                          ('swivel-now','swivel-before','server_cpu_us_per_call','server CPU now/before'),
                          ('swivel-now','swivel-before','client_cpu_us_per_call','client CPU now/before'),
                          ('swivel-now','netty','ops_per_s','ops now/ceiling'),
                          ('swivel-before','netty','ops_per_s','ops before/ceiling'),
                          ('swivel-now','grpc-direct','ops_per_s','ops now/grpc-direct'),
                          ('swivel-now','grpc-direct','server_cpu_us_per_call','server CPU now/grpc-direct'),
                          ('swivel-now','netty','server_cpu_us_per_call','server CPU now/netty'),
                          ('swivel-now','netty','client_cpu_us_per_call','client CPU now/netty'),
                          ('swivel-now','grpc-direct','p99_us','p99 now/grpc-direct'),
                          ('swivel-now','netty','p99_us','p99 now/netty')]:
        r=ratio(a,b,key)
        if r: print(f"{mode} {op}: {label} {r[0]:.2f} ({r[1]:.2f}-{r[2]:.2f})")
