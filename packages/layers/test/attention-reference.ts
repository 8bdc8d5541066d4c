// Plain-JavaScript (float64) references for the attention tests.

/** x [T][D] · W [D][N] (row-major flat W). */
export function matmul(x: number[][], w: Float32Array | number[], n: number): number[][] {
  return x.map((row) => Array.from({ length: n }, (_, j) => row.reduce((s, v, i) => s + v * w[i * n + j]!, 0)));
}

/** `allowed(t, s)`: may query step t attend to key step s (default: every pair; `true` = causal). */
export function referenceAttention(x: number[][], [wq, wk, wv, wo]: Float32Array[], heads: number, keyDim: number, allowed: boolean | ((t: number, s: number) => boolean)): number[][] {
  const permits = typeof allowed === 'function' ? allowed : (t: number, s: number) => !allowed || s <= t;
  const q = matmul(x, wq!, heads * keyDim);
  const k = matmul(x, wk!, heads * keyDim);
  const v = matmul(x, wv!, heads * keyDim);
  const time = x.length;
  const merged = Array.from({ length: time }, () => new Array(heads * keyDim).fill(0));
  for (let h = 0; h < heads; h++) {
    for (let t = 0; t < time; t++) {
      const scores = Array.from({ length: time }, (_, s) => {
        if (!permits(t, s)) return -Infinity;
        let dot = 0;
        for (let d = 0; d < keyDim; d++) dot += q[t]![h * keyDim + d]! * k[s]![h * keyDim + d]!;
        return dot / Math.sqrt(keyDim);
      });
      if (scores.every((v) => v === -Infinity)) scores.fill(0); // a fully masked row: uniform, as with a finite -1e9
      const max = Math.max(...scores);
      const exp = scores.map((s) => Math.exp(s - max));
      const total = exp.reduce((a, b) => a + b, 0);
      for (let d = 0; d < keyDim; d++) merged[t]![h * keyDim + d] = exp.reduce((s, e, j) => s + (e / total) * v[j]![h * keyDim + d]!, 0);
    }
  }
  return matmul(merged, wo!, x[0]!.length);
}

