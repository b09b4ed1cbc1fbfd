import sys, collections
# callers.py FILE THREADFILTER FRAME [depth]: for samples whose stack contains FRAME, the frames 1..depth above its first occurrence
f=sys.argv[1]; filt=sys.argv[2]; target=sys.argv[3]; depth=int(sys.argv[4]) if len(sys.argv)>4 else 2
c=collections.Counter(); tot=0
for line in open(f):
    stack,_,n=line.rstrip().rpartition(' '); n=int(n); fr=stack.split(';')
    if filt not in fr[0]: continue
    idx=[i for i,x in enumerate(fr) if target in x]
    if not idx: continue
    i=idx[-1]; tot+=n
    c[' <- '.join(x.split('/')[-1] for x in reversed(fr[max(1,i-depth):i]))]+=n
print('total',tot)
for k,n in c.most_common(25): print('%6d %s'%(n,k))
