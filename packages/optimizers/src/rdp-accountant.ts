import { invalidValue } from './errors.js';
import { requireNumber } from './validate.js';

// Rényi-DP accountant for the sampled Gaussian mechanism (Mironov, Talwar & Zhang 2019,
// "Rényi Differential Privacy of the Sampled Gaussian Mechanism", section 3.3), for integer
// orders only. With sampling rate q and noise multiplier sigma, at integer order a:
//   A_a = sum_{k=0..a} C(a, k) (1-q)^(a-k) q^k exp((k^2 - k) / (2 sigma^2)),
//   RDP(a) = log(A_a) / (a - 1) per step; RDP composes additively over steps.

/**
 * Default orders: every integer from 2 to 64, then 128, 256, 512 (TF Privacy's integer orders).
 *
 * @example
 * const accountant = new RdpAccountant({ orders: DEFAULT_RDP_ORDERS.filter((a) => a <= 32) });
 */
export const DEFAULT_RDP_ORDERS: readonly number[] = [...Array.from({ length: 63 }, (_, i) => i + 2), 128, 256, 512];

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const max = Math.max(a, b);
  return max + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** log A_a for one step at integer order `order`, computed in log space. */
function logA(samplingRate: number, sigma: number, order: number): number {
  let logBinomial = 0; // log C(order, 0)
  let total = -Infinity;
  const logQ = Math.log(samplingRate);
  const log1mQ = Math.log1p(-samplingRate);
  for (let k = 0; k <= order; k++) {
    if (k > 0) logBinomial += Math.log(order - k + 1) - Math.log(k);
    const term = logBinomial + k * logQ + (order - k) * log1mQ + (k * k - k) / (2 * sigma * sigma);
    total = logAddExp(total, term);
  }
  return total;
}

/** Options of `computeRdpSampledGaussian`. */
export interface RdpOptions {
  /** Probability that an example is in a batch (batch size / dataset size), in [0, 1]. */
  samplingRate: number;
  /** Noise standard deviation over the l2 clipping norm (`sigma`). */
  noiseMultiplier: number;
  /** Number of steps (compositions). */
  steps: number;
  /** Integer Rényi orders > 1. Default `DEFAULT_RDP_ORDERS`. */
  orders?: readonly number[];
}

/**
 * RDP of `steps` compositions of the sampled Gaussian mechanism at each integer order.
 *
 * @example
 * const rdp = computeRdpSampledGaussian({ samplingRate: 0.01, noiseMultiplier: 1.1, steps: 1000, orders: [2, 8, 32] });
 */
export function computeRdpSampledGaussian(options: RdpOptions): number[] {
  const where = 'computeRdpSampledGaussian';
  const q = requireNumber(options?.samplingRate, 'samplingRate', where, 'nonNegative');
  if (q > 1) throw invalidValue('samplingRate', where, 'a number in [0, 1]', q);
  const sigma = requireNumber(options.noiseMultiplier, 'noiseMultiplier', where, 'nonNegative');
  const steps = requireNumber(options.steps, 'steps', where, 'nonNegative');
  const orders = options.orders ?? DEFAULT_RDP_ORDERS;
  for (const order of orders) {
    if (!Number.isInteger(order) || order < 2) throw invalidValue('orders', where, 'integer orders >= 2', order);
  }
  return orders.map((order) => {
    if (q === 0) return 0;
    if (sigma === 0) return Infinity;
    // Without subsampling the Gaussian mechanism has RDP a / (2 sigma^2) exactly.
    const perStep = q === 1 ? order / (2 * sigma * sigma) : logA(q, sigma, order) / (order - 1);
    return perStep * steps;
  });
}

/** How RDP is converted to (epsilon, delta)-DP. */
export type RdpConversion = 'classic' | 'improved';

/**
 * Converts RDP values to the smallest epsilon over the orders.
 * `'classic'` (Mironov 2017, Prop. 3; TF Privacy's `get_privacy_spent` before 2020):
 * `eps = rdp - log(delta) / (a - 1)`.
 * `'improved'` (Balle et al. 2020, Thm. 21; later TF Privacy / dp_accounting):
 * `eps = rdp + log1p(-1/a) - (log(delta) + log(a)) / (a - 1)`, never larger.
 *
 * @example
 * const { epsilon, order } = rdpToEpsilon([2, 8], [0.1, 0.5], 1e-5);
 */
export function rdpToEpsilon(
  orders: readonly number[],
  rdp: readonly number[],
  delta: number,
  conversion: RdpConversion = 'classic',
): { epsilon: number; order: number } {
  const where = 'rdpToEpsilon';
  if (!(typeof delta === 'number' && delta > 0 && delta < 1)) throw invalidValue('delta', where, 'a number in (0, 1)', delta);
  if (orders.length !== rdp.length || orders.length === 0) {
    throw invalidValue('rdp', where, `one value per order (${orders.length})`, rdp.length);
  }
  let best = { epsilon: Infinity, order: orders[0] as number };
  orders.forEach((order, i) => {
    const value = rdp[i] as number;
    const epsilon =
      conversion === 'classic'
        ? value - Math.log(delta) / (order - 1)
        : value + Math.log1p(-1 / order) - (Math.log(delta) + Math.log(order)) / (order - 1);
    if (epsilon < best.epsilon) best = { epsilon, order };
  });
  return { epsilon: Math.max(best.epsilon, 0), order: best.order };
}

/** Options of `dpSgdEpsilon`. */
export interface DpSgdPrivacyOptions {
  /** Number of training examples. */
  datasetSize: number;
  batchSize: number;
  noiseMultiplier: number;
  epochs: number;
  delta: number;
  /** Default `'classic'`, which reproduces TF Privacy's published numbers. */
  conversion?: RdpConversion;
  orders?: readonly number[];
}

/**
 * The privacy of DP-SGD with Poisson sampling at rate `batchSize / datasetSize` for
 * `ceil(epochs * datasetSize / batchSize)` steps (TF Privacy's `compute_dp_sgd_privacy`).
 * Returns epsilon at `delta`, the best order and the step count.
 *
 * @example
 * dpSgdEpsilon({ datasetSize: 60000, batchSize: 256, noiseMultiplier: 1.1, epochs: 60, delta: 1e-5 });
 * // { epsilon: 3.009 (TF Privacy publishes 3.01), order: 9, steps: 14063, samplingRate: 0.00427 }
 */
export function dpSgdEpsilon(options: DpSgdPrivacyOptions): { epsilon: number; order: number; steps: number; samplingRate: number } {
  const where = 'dpSgdEpsilon';
  const datasetSize = requireNumber(options?.datasetSize, 'datasetSize', where, 'positive');
  const batchSize = requireNumber(options.batchSize, 'batchSize', where, 'positive');
  if (batchSize > datasetSize) throw invalidValue('batchSize', where, `at most datasetSize (${datasetSize})`, batchSize);
  const epochs = requireNumber(options.epochs, 'epochs', where, 'nonNegative');
  const samplingRate = batchSize / datasetSize;
  const steps = Math.ceil((epochs * datasetSize) / batchSize);
  const orders = options.orders ?? DEFAULT_RDP_ORDERS;
  const rdp = computeRdpSampledGaussian({ samplingRate, noiseMultiplier: options.noiseMultiplier, steps, orders });
  const { epsilon, order } = rdpToEpsilon(orders, rdp, options.delta, options.conversion ?? 'classic');
  return { epsilon, order, steps, samplingRate };
}

/** Options of `sampledGaussianEpsilon`. */
export interface SampledGaussianPrivacyOptions {
  samplingRate: number;
  noiseMultiplier: number;
  steps: number;
  delta: number;
  /** Default `'classic'`. */
  conversion?: RdpConversion;
  orders?: readonly number[];
}

/**
 * Epsilon at `delta` after `steps` compositions of the sampled Gaussian mechanism with
 * sampling rate `samplingRate` and noise multiplier `noiseMultiplier`.
 *
 * @example
 * sampledGaussianEpsilon({ samplingRate: 256 / 60000, noiseMultiplier: 1.1, steps: 14063, delta: 1e-5 });
 * // { epsilon: 3.009, order: 9 }
 */
export function sampledGaussianEpsilon(options: SampledGaussianPrivacyOptions): { epsilon: number; order: number } {
  const orders = options?.orders ?? DEFAULT_RDP_ORDERS;
  const rdp = computeRdpSampledGaussian({ ...options, orders });
  return rdpToEpsilon(orders, rdp, options.delta, options.conversion ?? 'classic');
}

/**
 * Running RDP accountant: compose the steps actually taken (the sampling rate or noise may
 * change between phases) and read epsilon at any time, e.g. once per epoch in a fit loop.
 *
 * @example
 * const accountant = new RdpAccountant();
 * accountant.compose({ samplingRate: 256 / 60000, noiseMultiplier: 1.1, steps: 235 }); // one epoch
 * accountant.getEpsilon(1e-5).epsilon;
 */
export class RdpAccountant {
  readonly orders: readonly number[];
  private readonly rdp: number[];
  private totalSteps = 0;

  constructor(options: { orders?: readonly number[] } = {}) {
    this.orders = [...(options.orders ?? DEFAULT_RDP_ORDERS)];
    // Validates the orders once.
    computeRdpSampledGaussian({ samplingRate: 0, noiseMultiplier: 1, steps: 0, orders: this.orders });
    this.rdp = this.orders.map(() => 0);
  }

  /** Steps composed so far. */
  get steps(): number {
    return this.totalSteps;
  }

  /** Adds `steps` steps of the sampled Gaussian mechanism (RDP adds up over compositions). */
  compose(options: { samplingRate: number; noiseMultiplier: number; steps?: number }): void {
    const steps = options?.steps ?? 1;
    const added = computeRdpSampledGaussian({ ...options, steps, orders: this.orders });
    added.forEach((value, i) => {
      this.rdp[i] = (this.rdp[i] as number) + value;
    });
    this.totalSteps += steps;
  }

  /** Epsilon at `delta` for everything composed so far. */
  getEpsilon(delta: number, conversion: RdpConversion = 'classic'): { epsilon: number; order: number } {
    return rdpToEpsilon(this.orders, this.rdp, delta, conversion);
  }
}
