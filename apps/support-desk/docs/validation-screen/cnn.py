# A different model family on the VALIDATION share only (the test split is not read): a word-level
# CNN (embedding 128 of the words seen twice, convolutions of widths 1, 2 and 3 with 256 filters
# each, ReLU, max over the words, dropout 0.3, a linear layer; Adam 0.003 with a cosine decay to
# 1%, 10 epochs of 64), alone and blended with the embedding bag (screen.py's chosen setting, seed
# 42): (1 - w) * bag probabilities + w * CNN probabilities. Not in the app (yet): README "Next".
#
#   npx tsx docs/validation-screen/dump-split.ts /tmp/split.json        # from apps/support-desk
#   /usr/bin/python3 docs/validation-screen/cnn.py /tmp/split.json 42   # the CNN's seed
import math, sys, time
import torch, torch.nn as nn, torch.nn.functional as F
split_path, seed = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 42
sys.argv = [sys.argv[0], split_path]  # screen.py reads the split from its first argument
sys.path.insert(0, __file__.rsplit('/', 1)[0] if '/' in __file__ else '.')
import screen
data = screen.data
train_labels = torch.tensor(data['train']['labels']); labels = torch.tensor(data['validation']['labels'])
accuracy = lambda scores: 100 * (scores.argmax(1) == labels).float().mean().item()

def encode(queries, vocabulary, length=40):
    ids = torch.zeros(len(queries), length, dtype=torch.long)  # 0 pads, 1 is an unknown word
    for i, words in enumerate(queries):
        row = [vocabulary.get(w, 1) for w in words][:length]
        if row: ids[i, :len(row)] = torch.tensor(row)
    return ids

class WordCnn(nn.Module):
    def __init__(self, words, dim=128, widths=(1, 2, 3), filters=256, classes=77, dropout=0.3):
        super().__init__()
        self.embedding = nn.Embedding(words, dim, padding_idx=0)
        self.convolutions = nn.ModuleList([nn.Conv1d(dim, filters, w, padding=w // 2) for w in widths])
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(filters * len(widths), classes)
    def forward(self, ids):
        x = self.embedding(ids).transpose(1, 2)
        real = (ids != 0).unsqueeze(1)
        pooled = [F.relu(c(x))[:, :, :ids.shape[1]].masked_fill(~real, -1e4).max(2).values for c in self.convolutions]
        return self.out(self.dropout(torch.cat(pooled, 1)))

def train_cnn(seed, epochs=10, batch=64, lr=0.003):
    torch.manual_seed(seed)
    train = [screen.words(t) for t in data['train']['texts']]
    counts = {}
    for words in train:
        for w in words: counts[w] = counts.get(w, 0) + 1
    vocabulary = {w: i + 2 for i, w in enumerate(sorted(w for w, n in counts.items() if n >= 2))}
    x_train, x_val = encode(train, vocabulary), encode([screen.words(t) for t in data['validation']['texts']], vocabulary)
    model = WordCnn(len(vocabulary) + 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * math.ceil(len(train) / batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    started = time.time()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(train))
        for b in range(0, len(train), batch):
            rows = order[b:b + batch]
            loss = F.cross_entropy(model(x_train[rows]), train_labels[rows])
            optimizer.zero_grad(); loss.backward(); optimizer.step(); schedule.step()
    model.eval()
    with torch.no_grad(): logits = model(x_val)
    return logits, time.time() - started

bag_accuracy, bag_seconds = screen.run(seed=42)
bag = screen.run.last_logits
cnn, cnn_seconds = train_cnn(seed)
print('bag (seed 42) %.2f%% in %.0f s; word CNN (seed %d) %.2f%% in %.0f s' % (100 * bag_accuracy, bag_seconds, seed, accuracy(cnn), cnn_seconds))
for weight in [0.2, 0.3, 0.4, 0.5, 0.6]:
    print('blend, CNN weight %.1f: %.2f%%' % (weight, accuracy((1 - weight) * bag.softmax(1) + weight * cnn.softmax(1))), flush=True)
