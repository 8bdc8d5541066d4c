import { activation, activationDerivative, flush, recurrentKernelConfigs, type CellBackward, type CellForward } from './recurrent-sequence.js';

/** Kernel name of the whole-sequence SimpleRNN (contract in recurrent-sequence.ts); its gradient kernel is `LoomSimpleRNNSequenceGrad`. */
export const SIMPLE_RNN_SEQUENCE = 'LoomSimpleRNNSequence';

/** One Elman step: `h_t = act(x_t·W + b + h·U)`; a masked step keeps h. */
const forward: CellForward = ({ layout, step, t, projected, recurrent, workspace: ws, y, act, attrs }) => {
  const actFn = activation(act);
  const { batch, time, units } = layout;
  const bu = batch * units;
  for (let b = 0; b < batch; b++) {
    const hRow = layout.h + step * bu + b * units;
    const yRow = attrs.returnSequences ? (b * time + step) * units : -1;
    const hPrev = step > 0 ? hRow - bu : -1;
    const masked = ws[layout.mask + step * batch + b] === 0;
    const pRow = (b * time + t) * units;
    const rRow = b * units;
    for (let j = 0; j < units; j++) {
      const previous = hPrev < 0 ? 0 : (ws[hPrev + j] as number);
      const h = masked ? previous : actFn((projected[pRow + j] as number) + (recurrent[rRow + j] as number));
      ws[hRow + j] = h;
      if (yRow >= 0) y[yRow + j] = masked && attrs.zeroOutputForMask ? 0 : h;
    }
  }
};

const backward: CellBackward = ({ layout, step, t, workspace: ws, dh, dRecStep, dProjected, act }) => {
  const actGrad = activationDerivative(act);
  const { batch, time, units } = layout;
  const bu = batch * units;
  for (let b = 0; b < batch; b++) {
    const stepRow = b * units;
    const pRow = (b * time + t) * units;
    if (ws[layout.mask + step * batch + b] === 0) {
      dRecStep.fill(0, stepRow, stepRow + units);
      dProjected.fill(0, pRow, pRow + units);
      continue;
    }
    const hRow = layout.h + step * bu + b * units;
    for (let j = 0; j < units; j++) {
      const d = flush((dh[stepRow + j] as number) * actGrad(ws[hRow + j] as number));
      dh[stepRow + j] = 0;
      dRecStep[stepRow + j] = d;
      dProjected[pRow + j] = d;
    }
  }
};

/** The whole-sequence SimpleRNN kernel, its gradient kernel and the gradient config (wasm, cpu). */
export const simpleRnnSequenceConfigs = /* @__PURE__ */ recurrentKernelConfigs(SIMPLE_RNN_SEQUENCE, 1, false, false, forward, backward);
