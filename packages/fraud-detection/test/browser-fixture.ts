// Shared by browser.test.ts (Node) and browser-page.ts (the page): 200 loans with two features,
// the bad ones (label 1, one in five) shifted up in both, from a fixed linear congruential sequence.
export function fixtureLoans(): { rows: number[][]; labels: number[] } {
  let state = 12345;
  const uniform = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 200; i++) {
    const bad = i % 5 === 0 ? 1 : 0;
    rows.push([uniform() * 2 - 1 + bad * 1.5, uniform() * 2 - 1 + bad * 1.0]);
    labels.push(bad);
  }
  return { rows, labels };
}

export const LOGISTIC_OPTIONS = { classWeight: 'balanced' as const, epochs: 40, seed: 1 };
