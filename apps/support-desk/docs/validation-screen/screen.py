# A PyTorch replica of the support-desk model (src/features.ts, src/embedding-bag.ts,
# src/intent-model.ts, src/train-model.ts), used to screen settings quickly on the VALIDATION
# share only (it never sees the test split): the same features (words, word pairs, character
# 3-5-grams of each word, min count 2, first 256 per query), the same mean embedding bag
# (normal 0.05 initialisation) and dense layer (Glorot uniform), Adam with a cosine decay to 1%
# of the peak rate, one thread. On the default settings it gives the same validation accuracy as
# the Loom model (91.04%). Settings that won here were to be confirmed with Loom itself.
#
#   npx tsx docs/validation-screen/dump-split.ts /tmp/split.json        # from apps/support-desk
#   echo "d=256,epochs=5,bs=128,lr=0.02" | /usr/bin/python3 docs/validation-screen/screen.py /tmp/split.json
#
# Each input line is the keyword arguments of run(); each output line is the validation
# accuracy, the training seconds and the line. Options beyond the app's model: weighting
# ('mean', 'sqrtn', 'tfidf': idf weights scaled to unit L2 norm, 'idfmean': idf-weighted mean),
# split (separate word and character bags, concatenated), ls (label smoothing), wd (AdamW
# decay), drop (dropout on the bag), hid (a ReLU hidden layer), wide (a TF-IDF-weighted linear
# path added to the logits, times this factor), tri (word triples), minN/maxN, minCount, maxF.
import json, math, re, sys, time, itertools, argparse
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
data = json.load(open(sys.argv[1] if len(sys.argv) > 1 else 'split.json'))
SEP = re.compile(r'[\W_]+', re.U)
TAG = re.compile(r'<[^>]*>')
def words(t): return [w for w in SEP.split(TAG.sub(' ', t.lower())) if w]
def raw(t, minN, maxN, tri):
    ws = words(t); f = ['w:'+w for w in ws]
    f += ['b:%s %s' % (ws[i-1], ws[i]) for i in range(1, len(ws))]
    if tri: f += ['t:%s %s %s' % (ws[i-2], ws[i-1], ws[i]) for i in range(2, len(ws))]
    for w in ws:
        m = '<'+w+'>'
        for n in range(minN, maxN+1):
            f += ['c:'+m[s:s+n] for s in range(0, len(m)-n+1)]
    return f
def featurize(minN=3, maxN=5, tri=False, minCount=2, maxF=256):
    tr = [raw(t, minN, maxN, tri) for t in data['train']['texts']]
    va = [raw(t, minN, maxN, tri) for t in data['validation']['texts']]
    cnt = {}
    for f in tr:
        for x in set(f): cnt[x] = cnt.get(x, 0) + 1
    kept = sorted([k for k, c in cnt.items() if c >= minCount], key=lambda k: (-cnt[k], k))
    idx = {k: i+1 for i, k in enumerate(kept)}
    df = torch.tensor([1.0] + [cnt[k] for k in kept])
    N = len(tr)
    def ids(fs):
        out = [idx[x] for x in fs if x in idx][:maxF]
        return out
    isword = torch.tensor([False] + [not k.startswith('c:') for k in kept])
    return [ids(f) for f in tr], [ids(f) for f in va], len(kept)+1, df, N, isword
def pad(rows):
    L = max(1, max(len(r) for r in rows))
    t = torch.zeros(len(rows), L, dtype=torch.long)
    for i, r in enumerate(rows): t[i, :len(r)] = torch.tensor(r, dtype=torch.long)
    return t
class Model(nn.Module):
    def __init__(s, V, d, C, weighting, split, isword, idf, drop, hid=0, wide=0):
        super().__init__()
        s.emb = nn.Parameter(torch.randn(V, d) * 0.05)
        s.split = split; s.weighting = weighting; s.isword = isword; s.idf = idf
        D = d * (2 if split else 1)
        s.hid = nn.Sequential(nn.Linear(D, hid), nn.ReLU()) if hid else None
        s.out = nn.Linear(hid or D, C)
        nn.init.xavier_uniform_(s.out.weight); nn.init.zeros_(s.out.bias)
        s.drop = nn.Dropout(drop)
        s.wide = nn.Parameter(torch.zeros(V, C)) if wide else None
        s.widew = wide
    def bag(s, ids, mask):
        v = s.emb[ids]  # B L d
        if s.weighting == 'mean':
            w = mask; w = w / w.sum(1, keepdim=True).clamp(min=1)
        elif s.weighting == 'sqrtn':
            w = mask / mask.sum(1, keepdim=True).clamp(min=1).sqrt()
        elif s.weighting == 'tfidf':  # idf per occurrence (repeats add up: tf), L2-normalised weights
            w = mask * s.idf[ids]
            w = w / (w.pow(2).sum(1, keepdim=True).sqrt().clamp(min=1e-9))
        elif s.weighting == 'idfmean':
            w = mask * s.idf[ids]; w = w / w.sum(1, keepdim=True).clamp(min=1e-9)
        return (v * w.unsqueeze(2)).sum(1)
    def forward(s, ids, train):
        m = (ids != 0).float()
        if s.split:
            iw = s.isword[ids].float() * m
            h = torch.cat([s.bag(ids, iw), s.bag(ids, m - iw)], 1)
        else: h = s.bag(ids, m)
        if train: h = s.drop(h)
        if s.hid is not None: h = s.hid(h)
        out = s.out(h)
        if s.wide is not None:
            w = m * s.idf[ids]; w = w / (w.pow(2).sum(1, keepdim=True).sqrt().clamp(min=1e-9))
            out = out + s.widew * (s.wide[ids] * w.unsqueeze(2)).sum(1)
        return out
def run(d=256, epochs=5, bs=128, lr=0.02, weighting='mean', split=False, ls=0.0, wd=0.0, drop=0.0,
        minN=3, maxN=5, tri=False, minCount=2, seed=42, hid=0, maxF=256, wide=0, feats_cache={}):
    key = (minN, maxN, tri, minCount, maxF)
    if key not in feats_cache: feats_cache[key] = featurize(minN, maxN, tri, minCount, maxF)
    tr, va, V, df, N, isword = feats_cache[key]
    torch.manual_seed(seed)
    idf = torch.log((1 + N) / (1 + df)) + 1
    ytr = torch.tensor(data['train']['labels']); yva = torch.tensor(data['validation']['labels'])
    model = Model(V, d, 77, weighting, split, isword, idf, drop, hid, wide)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd) if wd else torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * math.ceil(len(tr) / bs)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    Xva = pad(va); Xtr = pad(tr); lens = torch.tensor([len(r) for r in tr]); t0 = time.time()
    for ep in range(epochs):
        perm = torch.randperm(len(tr))
        for b in range(0, len(tr), bs):
            ix = perm[b:b+bs]
            x = Xtr[ix, :max(1, int(lens[ix].max()))]; y = ytr[ix]
            loss = F.cross_entropy(model(x, True), y, label_smoothing=ls)
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
    with torch.no_grad():
        logits = model(Xva, False)
        acc = (logits.argmax(1) == yva).float().mean().item()
    run.last_logits = logits  # the validation logits of the last run (ensemble.py averages them)
    return acc, time.time() - t0
if __name__ == '__main__':
    for line in sys.stdin:
        line = line.strip()
        if not line or line.startswith('#'): continue
        kw = eval('dict(%s)' % line)
        acc, sec = run(**kw)
        print('%.2f%%  %5.0fs  %s' % (100 * acc, sec, line), flush=True)
