import { activation, activationDerivative, flush, recurrentKernelConfigs, type CellBackward, type CellForward } from './recurrent-sequence.js';

/** Kernel name of the whole-sequence LSTM (contract in recurrent-sequence.ts); its gradient kernel is `LoomLSTMSequenceGrad`. */
export const LSTM_SEQUENCE = 'LoomLSTMSequence';

/**
 * One LSTM step for every sequence of the batch, Keras gate order i, f, c, o:
 * `c_t = f·c + i·act(z_c)`, `h_t = o·act(c_t)`; a masked step keeps h and c. The workspace
 * keeps the activated gates, c and act(c) for the backward pass.
 */
const forward: CellForward = ({ layout, step, t, projected, recurrent, workspace: ws, y, act, gate, attrs }) => {
  const gateFn = activation(gate);
  const actFn = activation(act);
  const { batch, time, units, width } = layout;
  const bu = batch * units;
  for (let b = 0; b < batch; b++) {
    const hRow = layout.h + step * bu + b * units;
    const cRow = layout.c + step * bu + b * units;
    const eRow = layout.extra + step * bu + b * units;
    const gRow = layout.g + (step * batch + b) * width;
    const yRow = attrs.returnSequences ? (b * time + step) * units : -1;
    const hPrev = step > 0 ? hRow - bu : -1;
    const cPrev = step > 0 ? cRow - bu : -1;
    if (ws[layout.mask + step * batch + b] === 0) {
      for (let j = 0; j < units; j++) {
        const h = hPrev < 0 ? 0 : (ws[hPrev + j] as number);
        ws[hRow + j] = h;
        ws[cRow + j] = cPrev < 0 ? 0 : (ws[cPrev + j] as number);
        ws[eRow + j] = 0;
        if (yRow >= 0) y[yRow + j] = attrs.zeroOutputForMask ? 0 : h;
      }
      ws.fill(0, gRow, gRow + width);
      continue;
    }
    const pRow = (b * time + t) * width;
    const rRow = b * width;
    for (let j = 0; j < units; j++) {
      const i = gateFn((projected[pRow + j] as number) + (recurrent[rRow + j] as number));
      const f = gateFn((projected[pRow + units + j] as number) + (recurrent[rRow + units + j] as number));
      const g = actFn((projected[pRow + 2 * units + j] as number) + (recurrent[rRow + 2 * units + j] as number));
      const o = gateFn((projected[pRow + 3 * units + j] as number) + (recurrent[rRow + 3 * units + j] as number));
      const c = (cPrev < 0 ? 0 : f * (ws[cPrev + j] as number)) + i * g;
      const tc = actFn(c);
      const h = o * tc;
      ws[gRow + j] = i;
      ws[gRow + units + j] = f;
      ws[gRow + 2 * units + j] = g;
      ws[gRow + 3 * units + j] = o;
      ws[cRow + j] = c;
      ws[eRow + j] = tc;
      ws[hRow + j] = h;
      if (yRow >= 0) y[yRow + j] = h;
    }
  }
};

const backward: CellBackward = ({ layout, step, t, workspace: ws, dh, dc, dRecStep, dProjected, act, gate }) => {
  const gateGrad = activationDerivative(gate);
  const actGrad = activationDerivative(act);
  const { batch, time, units, width } = layout;
  const bu = batch * units;
  for (let b = 0; b < batch; b++) {
    const stepRow = b * width;
    const pRow = (b * time + t) * width;
    if (ws[layout.mask + step * batch + b] === 0) {
      // The state passed through unchanged: dh and dc flow on to the previous step as they are.
      dRecStep.fill(0, stepRow, stepRow + width);
      dProjected.fill(0, pRow, pRow + width);
      continue;
    }
    const cRow = layout.c + step * bu + b * units;
    const cPrev = step > 0 ? cRow - bu : -1;
    const gRow = layout.g + (step * batch + b) * width;
    const sRow = b * units;
    for (let j = 0; j < units; j++) {
      const i = ws[gRow + j] as number;
      const f = ws[gRow + units + j] as number;
      const g = ws[gRow + 2 * units + j] as number;
      const o = ws[gRow + 3 * units + j] as number;
      const tc = ws[layout.extra + step * bu + sRow + j] as number;
      const dhj = dh[sRow + j] as number;
      const dcj = (dc[sRow + j] as number) + dhj * o * actGrad(tc);
      const dI = dcj * g * gateGrad(i);
      const dF = cPrev < 0 ? 0 : dcj * (ws[cPrev + j] as number) * gateGrad(f);
      const dG = dcj * i * actGrad(g);
      const dO = dhj * tc * gateGrad(o);
      dc[sRow + j] = flush(dcj * f);
      dh[sRow + j] = 0;
      dRecStep[stepRow + j] = flush(dI);
      dRecStep[stepRow + units + j] = flush(dF);
      dRecStep[stepRow + 2 * units + j] = flush(dG);
      dRecStep[stepRow + 3 * units + j] = flush(dO);
    }
    dProjected.set(dRecStep.subarray(stepRow, stepRow + width), pRow);
  }
};

/**
 * The whole-sequence LSTM kernel, its backpropagation-through-time kernel and the gradient
 * config linking them, for any backend the kernel host supports (wasm, cpu).
 */
export const lstmSequenceConfigs = /* @__PURE__ */ recurrentKernelConfigs(LSTM_SEQUENCE, 4, true, true, forward, backward);
