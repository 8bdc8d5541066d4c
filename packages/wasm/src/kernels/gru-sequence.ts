import { activation, activationDerivative, flush, recurrentKernelConfigs, type CellBackward, type CellForward } from './recurrent-sequence.js';

/** Kernel name of the whole-sequence GRU (contract in recurrent-sequence.ts); its gradient kernel is `LoomGRUSequenceGrad`. */
export const GRU_SEQUENCE = 'LoomGRUSequence';

/**
 * One GRU step, Keras gate order z, r, h with the reset gate after the recurrent product
 * (`reset_after`, as cuDNN): `h_t = z·h + (1-z)·act(x_h + r·(h·U_h + b_h))`. The workspace
 * keeps `h·U_h + b_h` for the reset gate's gradient.
 */
const forward: CellForward = ({ layout, step, t, projected, recurrent, bias, workspace: ws, y, act, gate, attrs }) => {
  const gateFn = activation(gate);
  const actFn = activation(act);
  const { batch, time, units, width } = layout;
  const bu = batch * units;
  for (let b = 0; b < batch; b++) {
    const hRow = layout.h + step * bu + b * units;
    const eRow = layout.extra + step * bu + b * units;
    const gRow = layout.g + (step * batch + b) * width;
    const yRow = attrs.returnSequences ? (b * time + step) * units : -1;
    const hPrev = step > 0 ? hRow - bu : -1;
    if (ws[layout.mask + step * batch + b] === 0) {
      for (let j = 0; j < units; j++) {
        const h = hPrev < 0 ? 0 : (ws[hPrev + j] as number);
        ws[hRow + j] = h;
        ws[eRow + j] = 0;
        if (yRow >= 0) y[yRow + j] = attrs.zeroOutputForMask ? 0 : h;
      }
      ws.fill(0, gRow, gRow + width);
      continue;
    }
    const pRow = (b * time + t) * width;
    const rRow = b * width;
    for (let j = 0; j < units; j++) {
      const bz = bias === null ? 0 : (bias[j] as number);
      const br = bias === null ? 0 : (bias[units + j] as number);
      const bh = bias === null ? 0 : (bias[2 * units + j] as number);
      const z = gateFn((projected[pRow + j] as number) + (recurrent[rRow + j] as number) + bz);
      const r = gateFn((projected[pRow + units + j] as number) + (recurrent[rRow + units + j] as number) + br);
      const hh = (recurrent[rRow + 2 * units + j] as number) + bh;
      const candidate = actFn((projected[pRow + 2 * units + j] as number) + r * hh);
      const previous = hPrev < 0 ? 0 : (ws[hPrev + j] as number);
      const h = z * previous + (1 - z) * candidate;
      ws[gRow + j] = z;
      ws[gRow + units + j] = r;
      ws[gRow + 2 * units + j] = candidate;
      ws[eRow + j] = hh;
      ws[hRow + j] = h;
      if (yRow >= 0) y[yRow + j] = h;
    }
  }
};

const backward: CellBackward = ({ layout, step, t, workspace: ws, dh, dRecStep, dProjected, act, gate }) => {
  const gateGrad = activationDerivative(gate);
  const actGrad = activationDerivative(act);
  const { batch, time, units, width } = layout;
  const bu = batch * units;
  for (let b = 0; b < batch; b++) {
    const stepRow = b * width;
    const pRow = (b * time + t) * width;
    if (ws[layout.mask + step * batch + b] === 0) {
      dRecStep.fill(0, stepRow, stepRow + width);
      dProjected.fill(0, pRow, pRow + width);
      continue;
    }
    const hPrev = step > 0 ? layout.h + (step - 1) * bu + b * units : -1;
    const eRow = layout.extra + step * bu + b * units;
    const gRow = layout.g + (step * batch + b) * width;
    const sRow = b * units;
    for (let j = 0; j < units; j++) {
      const z = ws[gRow + j] as number;
      const r = ws[gRow + units + j] as number;
      const candidate = ws[gRow + 2 * units + j] as number;
      const hh = ws[eRow + j] as number;
      const previous = hPrev < 0 ? 0 : (ws[hPrev + j] as number);
      const dhj = dh[sRow + j] as number;
      const dZ = flush(dhj * (previous - candidate) * gateGrad(z));
      const dCandidate = flush(dhj * (1 - z) * actGrad(candidate));
      const dR = flush(dCandidate * hh * gateGrad(r));
      dh[sRow + j] = flush(dhj * z);
      dProjected[pRow + j] = dZ;
      dProjected[pRow + units + j] = dR;
      dProjected[pRow + 2 * units + j] = dCandidate;
      dRecStep[stepRow + j] = dZ;
      dRecStep[stepRow + units + j] = dR;
      dRecStep[stepRow + 2 * units + j] = flush(dCandidate * r);
    }
  }
};

/** The whole-sequence GRU kernel, its gradient kernel and the gradient config (wasm, cpu). */
export const gruSequenceConfigs = /* @__PURE__ */ recurrentKernelConfigs(GRU_SEQUENCE, 3, false, true, forward, backward);
