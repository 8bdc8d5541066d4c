// Shared by browser.test.ts (Node) and browser-page.ts (the page): two taste groups, each user
// liking most of their group's movies, so ALS must recommend the rest of the group.
import type { InteractionEvent } from '@loom-ml/recommenders';

const sciFi = ['alien', 'aliens', 'predator', 'terminator', 'robocop'];
const romance = ['notebook', 'titanic', 'casablanca', 'amelie', 'roman-holiday'];

export const EVENTS: InteractionEvent[] = [
  ...Array.from({ length: 6 }, (_, u) => sciFi.filter((_, i) => i !== u % 5).map((item) => ({ user: `scifi-fan-${u}`, item }))).flat(),
  ...Array.from({ length: 6 }, (_, u) => romance.filter((_, i) => i !== u % 5).map((item) => ({ user: `romance-fan-${u}`, item }))).flat(),
  { user: 'ann', item: 'alien' },
  { user: 'ann', item: 'aliens' },
];

export const ALS_OPTIONS = { factors: 8, alpha: 40, regularization: 1, epochs: 15, seed: 1 };
export const SCI_FI = sciFi;
