import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Optimizer } from '../src/optimizer.js';
import { adagrad } from '../src/adagrad.js';
import { adam } from '../src/adam.js';
import { adamw } from '../src/adamw.js';
import { lion } from '../src/lion.js';
import { rmsprop } from '../src/rmsprop.js';
import { sgd } from '../src/sgd.js';
import { chain } from '../src/chain.js';
import { clipByGlobalNorm } from '../src/clip-by-global-norm.js';
import { multiSteps } from '../src/multi-steps.js';
import { cosineDecaySchedule, exponentialDecay } from '../src/schedules.js';
import type { GradientTransformation } from '../src/types.js';

// The optimizer table test (STYLE.md item 11): every named optimizer, from a fixed start,
// reaches the minimum within a stated number of steps and tolerance.
//   quadratic:  f(x, y) = (x - 3)^2 + 10 (y + 1)^2, minimum (3, -1), start (0, 0)
//   Rosenbrock: f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum (1, 1), start (-1.2, 1)

interface Problem {
  name: string;
  start: [number, number];
  minimum: [number, number];
  gradient(x: number, y: number): [number, number];
}

const quadratic: Problem = {
  name: 'quadratic',
  start: [0, 0],
  minimum: [3, -1],
  gradient: (x, y) => [2 * (x - 3), 20 * (y + 1)],
};
const rosenbrock: Problem = {
  name: 'Rosenbrock',
  start: [-1.2, 1],
  minimum: [1, 1],
  gradient: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
};

/** Runs the optimizer through the `Optimizer` class; returns the final distance to the minimum. */
function minimize(transform: GradientTransformation, problem: Problem, maxSteps: number): number {
  const point = tf.variable(tf.tensor1d(problem.start), true, `point_${problem.name}`);
  const optimizer = new Optimizer(transform, [point]);
  let values = problem.start as number[];
  for (let step = 0; step < maxSteps; step++) {
    const [gx, gy] = problem.gradient(values[0] as number, values[1] as number);
    const grad = tf.tensor1d([gx, gy]);
    optimizer.step({ [point.name]: grad });
    grad.dispose();
    values = Array.from(point.dataSync());
  }
  const distance = Math.hypot((values[0] as number) - problem.minimum[0], (values[1] as number) - problem.minimum[1]);
  optimizer.dispose();
  point.dispose();
  return distance;
}

// Step budgets are about 1.5x the steps each needed in a calibration run (noted per row as
// "first below tolerance"), so a regression that slows convergence noticeably fails.
const TOLERANCE = 1e-2; // Euclidean distance to the minimum after the budget
const table: { name: string; make: () => GradientTransformation; quadraticSteps: number; rosenbrockSteps: number }[] = [
  // first below tolerance: quadratic 1424, Rosenbrock 5624
  { name: 'sgd', make: () => sgd({ learningRate: 2e-3 }), quadraticSteps: 2000, rosenbrockSteps: 8000 },
  // 228, 1027
  { name: 'sgd + momentum', make: () => sgd({ learningRate: 1e-3, momentum: 0.9 }), quadraticSteps: 400, rosenbrockSteps: 1600 },
  // 234, 1065
  { name: 'sgd + nesterov', make: () => sgd({ learningRate: 1e-3, momentum: 0.9, nesterov: true }), quadraticSteps: 400, rosenbrockSteps: 1600 },
  // 389, 2530
  { name: 'adam', make: () => adam({ learningRate: 2e-2 }), quadraticSteps: 600, rosenbrockSteps: 3800 },
  // 810, 3808
  { name: 'adamw', make: () => adamw({ learningRate: 1e-2, weightDecay: 1e-4 }), quadraticSteps: 1200, rosenbrockSteps: 5500 },
  // 405, 3962
  {
    name: 'rmsprop (exponential decay)',
    make: () => rmsprop({ learningRate: exponentialDecay({ initValue: 1e-2, transitionSteps: 1000, decayRate: 0.3 }) }),
    quadraticSteps: 600,
    rosenbrockSteps: 6000,
  },
  // 377, 3853
  { name: 'rmsprop centered', make: () => rmsprop({ learningRate: 1e-3, centered: true }), quadraticSteps: 600, rosenbrockSteps: 6000 },
  // 144, 377
  {
    name: 'rmsprop centered + momentum',
    make: () => rmsprop({ learningRate: 1e-3, centered: true, momentum: 0.9 }),
    quadraticSteps: 250,
    rosenbrockSteps: 600,
  },
  // 67, 5995
  { name: 'adagrad', make: () => adagrad({ learningRate: 0.5 }), quadraticSteps: 150, rosenbrockSteps: 9000 },
  // 1348, 4233: Lion's sign steps need a decaying rate to settle within the tolerance
  {
    name: 'lion (cosine decay)',
    make: () => lion({ learningRate: cosineDecaySchedule({ initValue: 3e-3, decaySteps: 5000 }) }),
    quadraticSteps: 2000,
    rosenbrockSteps: 5000,
  },
  // 172, 338
  { name: 'clipByGlobalNorm(1) + adam', make: () => chain(clipByGlobalNorm(1), adam({ learningRate: 2e-2 })), quadraticSteps: 300, rosenbrockSteps: 600 },
  // 456, 2054
  {
    name: 'multiSteps(sgd + momentum, every 2)',
    make: () => multiSteps(sgd({ learningRate: 1e-3, momentum: 0.9 }), { every: 2 }),
    quadraticSteps: 700,
    rosenbrockSteps: 3100,
  },
];

describe.each(table)('$name', (entry) => {
  it(`converges on the quadratic from (0, 0) within ${entry.quadraticSteps} steps`, () => {
    expect(minimize(entry.make(), quadratic, entry.quadraticSteps)).toBeLessThan(TOLERANCE);
  });
  it(`converges on Rosenbrock from (-1.2, 1) within ${entry.rosenbrockSteps} steps`, () => {
    expect(minimize(entry.make(), rosenbrock, entry.rosenbrockSteps)).toBeLessThan(TOLERANCE);
  });
});
