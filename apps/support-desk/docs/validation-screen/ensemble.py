# The ensemble screen of the README's "Ensemble" section, on the VALIDATION share only: the
# replica (screen.py) trained with seeds 42 to 46, the mean of the logits (and of the
# probabilities) of every choice of K of them, blends with the TF-IDF baseline's probabilities,
# 128-wide members, and members with other features averaged with seed 42's model.
#
#   npx tsx docs/validation-screen/dump-split.ts /tmp/split.json               # from apps/support-desk
#   npx tsx docs/validation-screen/baseline-logits.ts /tmp/split.json /tmp/baseline.json
#   /usr/bin/python3 docs/validation-screen/ensemble.py /tmp/split.json /tmp/baseline.json
import itertools, json, sys
import torch
split_path, baseline_path = sys.argv[1], sys.argv[2]
sys.argv = [sys.argv[0], split_path]  # screen.py reads the split from its first argument
sys.path.insert(0, __file__.rsplit('/', 1)[0] if '/' in __file__ else '.')
import screen
labels = torch.tensor(screen.data['validation']['labels'])
accuracy = lambda scores: 100 * (scores.argmax(1) == labels).float().mean().item()
def logits_of(**settings):
    acc, seconds = screen.run(**settings)
    print('%.2f%%  %5.0fs  %s' % (100 * acc, seconds, settings), flush=True)
    return screen.run.last_logits.clone()
baseline = torch.tensor(json.load(open(baseline_path))).view(len(labels), -1)
print('TF-IDF baseline alone: %.2f%%' % accuracy(baseline))
seeds = [logits_of(seed=s) for s in [42, 43, 44, 45, 46]]
for k in range(1, 6):
    choices = list(itertools.combinations(range(5), k))
    row = []
    for weight in [0, 0.2, 0.4, 0.6]:
        mean = lambda ps: sum(ps) / len(ps)
        if weight == 0:
            row.append('logits %.2f%%' % mean([accuracy(torch.stack([seeds[i] for i in c]).mean(0)) for c in choices]))
        probabilities = [accuracy((1 - weight) * torch.stack([seeds[i].softmax(1) for i in c]).mean(0) + weight * baseline.softmax(1)) for c in choices]
        row.append('probabilities, baseline weight %.1f: %.2f%%' % (weight, mean(probabilities)))
    print('K = %d, mean over the %d choices: %s' % (k, len(choices), '; '.join(row)), flush=True)
print('seeds 42, 43, 44: logits %.2f%%, probabilities %.2f%%' % (accuracy(torch.stack(seeds[:3]).mean(0)), accuracy(torch.stack([s.softmax(1) for s in seeds[:3]]).mean(0))))
for s in [42, 43, 45]: logits_of(d=128, seed=s)
others = {name: logits_of(**settings) for name, settings in [('character 2-5-grams', dict(minN=2)), ('character 3-6-grams', dict(maxN=6)), ('word triples', dict(tri=True)), ('idf-weighted mean', dict(weighting='idfmean'))]}
for name, logits in others.items(): print('%s averaged with seed 42: %.2f%%' % (name, accuracy((logits + seeds[0]) / 2)))
print('seed 42, word triples and idf-weighted mean averaged: %.2f%%' % accuracy((seeds[0] + others['word triples'] + others['idf-weighted mean']) / 3))
