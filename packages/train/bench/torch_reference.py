#!/usr/bin/python3
"""PyTorch CPU reference for the sequence bench (issue 19): training samples/s of the same five
models and shapes as bench/sequence.mjs (batch 128, Adam 1e-3, random data, 2 threads), and
PyTorch's 1024 x 1024 matMul GFLOP/s.

Optional, run by hand; never needed by CI or `pnpm test`. It needs PyTorch, e.g. Debian's
`python3-torch` (1.13), so call that Python explicitly when another `python3` comes first on PATH:

    /usr/bin/python3 packages/train/bench/torch_reference.py                 # all, 2 rounds
    /usr/bin/python3 packages/train/bench/torch_reference.py --models lstm,matmul --rounds 3
    /usr/bin/python3 packages/train/bench/torch_reference.py --models mlp --samples 16384 --json

`node bench/sequence.mjs` runs this script itself as one more contender when it finds a Python
with torch (BENCH_TORCH=/path/to/python3, default /usr/bin/python3), interleaved with Loom's
rounds, so that the Loom/PyTorch ratios are taken per round in one window. `--json` prints one
JSON object per line (what sequence.mjs reads).

Models (same layers as sequence.mjs builds with @loom-ml/layers; PyTorch's own modules):
  lstm         Embedding(10000, 32) + LSTM(32) + Dense(1, sigmoid), length 200
  gru          Embedding(10000, 32) + GRU(32) + Dense(1, sigmoid), length 200
  transformer  token + learned position embedding (d 32), one post-norm encoder block
               (2 heads, feed-forward 32, ReLU, no dropout), global average pooling, Dense(1)
  mlp          784-128(ReLU)-10
  cnn          conv16-pool-conv64-pool-conv64 (3x3, ReLU), Dense(64, ReLU), Dense(10) (apps/mnist)
Losses: binary cross-entropy (sequences), softmax cross-entropy (images), from logits; Keras'
sigmoid/softmax outputs with the matching loss compute the same thing.
"""
import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime, timezone

import torch
from torch import nn

BATCH = 128
TIME = 200
VOCABULARY = 10000
DEFAULT_SAMPLES = {"lstm": 1024, "gru": 1024, "transformer": 512, "mlp": 16384, "cnn": 2048}
LABELS = {
    "lstm": "Embedding(10000, 32) + LSTM(32), length 200",
    "gru": "Embedding(10000, 32) + GRU(32), length 200",
    "transformer": "Transformer encoder, 2 heads, d 32, ff 32, length 200",
    "mlp": "MLP 784-128-10",
    "cnn": "CNN 16-64-64 conv (apps/mnist)",
    "matmul": "matMul 1024 x 1024 (GFLOP/s)",
}


class Recurrent(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, 32)
        self.rnn = cell(32, 32, batch_first=True)
        self.dense = nn.Linear(32, 1)

    def forward(self, x):
        _, state = self.rnn(self.embedding(x))
        hidden = state[0] if isinstance(state, tuple) else state  # LSTM: (h, c); GRU: h
        return self.dense(hidden[-1])


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = nn.Embedding(VOCABULARY, 32)
        self.positions = nn.Embedding(TIME, 32)
        self.encoder = nn.TransformerEncoderLayer(32, 2, dim_feedforward=32, dropout=0.0, activation="relu", batch_first=True, norm_first=False, layer_norm_eps=1e-5)
        self.dense = nn.Linear(32, 1)

    def forward(self, x):
        h = self.tokens(x) + self.positions(torch.arange(x.shape[1]))
        return self.dense(self.encoder(h).mean(dim=1))


def build(name):
    if name == "lstm":
        return Recurrent(nn.LSTM)
    if name == "gru":
        return Recurrent(nn.GRU)
    if name == "transformer":
        return Transformer()
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
            nn.Linear(64 * 3 * 3, 64), nn.ReLU(), nn.Linear(64, 10),
        )
    raise SystemExit(f"torch_reference.py: unknown model {name!r}; expected one of {', '.join(LABELS)}")


def data(name, samples, generator):
    if name in ("lstm", "gru", "transformer"):
        x = torch.randint(1, VOCABULARY, (samples, TIME), generator=generator)
        y = torch.randint(0, 2, (samples, 1), generator=generator).float()
        return x, y, nn.BCEWithLogitsLoss()
    shape = (samples, 784) if name == "mlp" else (samples, 1, 28, 28)
    x = torch.rand(shape, generator=generator)
    y = torch.randint(0, 10, (samples,), generator=generator)
    return x, y, nn.CrossEntropyLoss()


def train_rate(name, samples):
    """One untimed warm-up epoch, then one timed epoch of `samples` samples; returns samples/s."""
    generator = torch.Generator().manual_seed(1)
    torch.manual_seed(1)
    model = build(name)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y, loss_fn = data(name, samples, generator)

    def step(xb, yb):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()

    for i in range(0, samples, BATCH):
        step(x[i : i + BATCH], y[i : i + BATCH])
    start = time.perf_counter()
    for i in range(0, samples, BATCH):
        step(x[i : i + BATCH], y[i : i + BATCH])
    return samples / (time.perf_counter() - start)


def matmul_peak():
    """Best of 3 timed 1024 x 1024 products (a fresh B each), after one warm-up."""
    a = torch.randn(1024, 1024)
    best = 0.0
    for i in range(4):
        b = torch.randn(1024, 1024)
        start = time.perf_counter()
        torch.matmul(a, b)
        seconds = time.perf_counter() - start
        if i > 0:
            best = max(best, 2 * 1024**3 / seconds / 1e9)
    return best


def blas_library():
    """The BLAS this process loaded (Debian's torch reads it through the libblas.so.3 alternative)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line}
    except OSError:
        return "unknown"
    return ", ".join(sorted(paths)) or "none found"


def load_average():
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="lstm,gru,transformer,mlp,cnn,matmul", help="comma-separated: lstm,gru,transformer,mlp,cnn,matmul")
    parser.add_argument("--rounds", type=int, default=2, help="rounds (each model timed once per round); the median is printed")
    parser.add_argument("--samples", type=int, default=0, help="timed samples per model (default: the same as sequence.mjs's fused run)")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--json", action="store_true", help="one JSON object per model and round, nothing else")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    names = [n for n in args.models.split(",") if n]
    for n in names:
        if n not in LABELS:
            parser.error(f"unknown model {n!r} in --models; expected some of {', '.join(LABELS)}")
    if not args.json:
        print(f"PyTorch {torch.__version__} CPU, {torch.get_num_threads()} threads, batch {BATCH}, Adam 1e-3, {args.rounds} rounds; Python {sys.version.split()[0]}, {os.cpu_count()} cores")
        print(f"load average before: {load_average()}  ({datetime.now(timezone.utc).isoformat(timespec='seconds')})")
        blas = blas_library()
        print(f"BLAS: {blas}")
        if "/blas/libblas" in blas:
            print("warning: this is the reference BLAS (libblas3), tens of times slower than OpenBLAS: apt-get install libopenblas0-openmp")
    results = {n: [] for n in names}
    for round_ in range(args.rounds):
        for n in names:
            value = matmul_peak() if n == "matmul" else train_rate(n, args.samples or DEFAULT_SAMPLES[n])
            results[n].append(value)
            if args.json:
                print(json.dumps({"model": n, "round": round_, "unit": "GFLOP/s" if n == "matmul" else "samples/s", "value": value}), flush=True)
    if not args.json:
        for n in names:
            unit = "GFLOP/s" if n == "matmul" else "samples/s"
            print(f"{LABELS[n]:<56} {statistics.median(results[n]):>10,.1f} {unit}  (rounds: {', '.join(f'{v:,.0f}' for v in results[n])})")
        print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
