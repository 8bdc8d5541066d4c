// Page program for browser.test.ts, bundled from the built dist with no externals.
import { banking77FromCsv, fetchMnist, lendingClubFromCsv } from '@loom-ml/datasets';
import { exposeToTest } from '@loom-ml/test-utils/page';

exposeToTest({
  /** MNIST test images and labels fetched from the page's origin. */
  async fetchMnistTest(limit: number) {
    const test = await fetchMnist({ images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', limit, signal: AbortSignal.timeout(30_000) });
    return { count: test.count, imageShape: test.imageShape, labels: Array.from(test.labels), pixelSum: test.images.reduce((a, b) => a + b, 0) };
  },

  /** The shipped lending-club CSV (gzipped), read from a fetch Response. */
  async lendingClub() {
    const loans = await lendingClubFromCsv(await fetch('lending_club.csv.gz'));
    return { count: loans.length, first: loans[0], last: loans.at(-1) };
  },

  /** The shipped BANKING77 test split (gzipped), read from a fetch Response. */
  async banking77Test() {
    const test = await banking77FromCsv(await fetch('banking77_test.csv.gz'));
    return { count: test.count, texts: test.texts, labels: Array.from(test.labels), intents: test.intents };
  },
});
