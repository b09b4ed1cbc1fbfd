import sys, collections
# under.py FILE THREADFILTER FRAME [n]: self frames of samples under FRAME
f=sys.argv[1]; filt=sys.argv[2]; target=sys.argv[3]; n_=int(sys.argv[4]) if len(sys.argv)>4 else 30
c=collections.Counter(); tot=0
for line in open(f):
    stack,_,n=line.rstrip().rpartition(' '); n=int(n); fr=stack.split(';')
    if filt not in fr[0]: continue
    if not any(target in x for x in fr): continue
    tot+=n; c[fr[-1]]+=n
print('total',tot)
for k,n in c.most_common(n_): print('%6d %5.1f%% %s'%(n,100*n/tot,k))
