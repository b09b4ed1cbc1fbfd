import sys, re, collections
# usage: incl.py FILE THREADFILTER pattern1 pattern2 ...   -> inclusive share (of the filtered threads) of stacks containing each pattern
f=sys.argv[1]; filt=sys.argv[2]; pats=sys.argv[3:]
tot=0; c=collections.Counter()
for line in open(f):
    stack,_,n=line.rstrip().rpartition(' '); n=int(n)
    if filt not in stack.split(';')[0]: continue
    tot+=n
    for p in pats:
        if p in stack: c[p]+=n
print('total', tot)
for p in pats: print('%6d %5.1f%% %s'%(c[p],100*c[p]/max(tot,1),p))
