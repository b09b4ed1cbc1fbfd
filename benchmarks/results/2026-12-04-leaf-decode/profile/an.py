import sys, re, collections
f=sys.argv[1]; filt=sys.argv[2] if len(sys.argv)>2 else None
groups=collections.Counter(); selfc=collections.Counter(); incl=collections.Counter(); total=0
kern=collections.Counter()
for line in open(f):
    stack,_,n=line.rstrip().rpartition(' '); n=int(n)
    frames=stack.split(';')
    th=frames[0]
    g=re.sub(r'[\s-]*\d+.*$','',th.strip('[]')); g=re.sub(r' tid=.*','',g)
    if filt and filt not in g: continue
    groups[g]+=n; total+=n
    leaf=frames[-1]
    selfc[leaf]+=n
    if leaf.endswith('_[k]'): kern[g]+=n
    for fr in set(frames[1:]): incl[fr]+=n
print('total',total)
for g,n in groups.most_common(15): print('%6d %5.1f%% kernel %4.1f%% %s'%(n,100*n/total,100*kern[g]/max(n,1),g))
print('--- self')
for fr,n in selfc.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 40): print('%6d %5.1f%% %s'%(n,100*n/total,fr[:150]))
