import { describe, expect, it } from 'vitest';
import { BANKING77_INTENTS, banking77FromCsv, intentsFromCsv } from './index.js';

describe('intentsFromCsv and banking77FromCsv (main entry)', () => {
  it('reads text,category rows from text; labels index the sorted categories', async () => {
    const data = await intentsFromCsv('text,category\n"Hi, where is my card?",card_arrival\nChange my PIN,change_pin\n"two\nlines",card_arrival\n');
    expect(data).toEqual({ texts: ['Hi, where is my card?', 'Change my PIN', 'two\nlines'], labels: Int32Array.from([0, 1, 0]), intents: ['card_arrival', 'change_pin'], count: 3 });
  });

  it('given intents fix the label order; a category outside them names the source and row', async () => {
    const data = await intentsFromCsv('text,category\na,y\nb,x\n', { intents: ['y', 'x'] });
    expect(Array.from(data.labels)).toEqual([0, 1]);
    await expect(intentsFromCsv('text,category\na,y\nb,w\n', { intents: ['y', 'x'], source: 'mine.csv' })).rejects.toThrow(
      "intentsFromCsv: mine.csv row 2 has the category 'w', which is not one of the 2 intents ('y, x', ...).",
    );
    await expect(intentsFromCsv('text,category\na,y\n', { intents: [] })).rejects.toThrow('Invalid value for `intents` in intentsFromCsv. Expected a non-empty array of distinct non-empty strings. Received: [].');
  });

  it('banking77FromCsv labels by BANKING77_INTENTS and refuses other categories', async () => {
    const data = await banking77FromCsv('text,category\nMy card is stuck in the ATM,card_swallowed\nIs there a refund?,Refund_not_showing_up\n');
    expect(Array.from(data.labels)).toEqual([BANKING77_INTENTS.indexOf('card_swallowed'), BANKING77_INTENTS.indexOf('Refund_not_showing_up')]);
    expect(data.intents).toBe(BANKING77_INTENTS);
    await expect(banking77FromCsv('text,category\nhello,greeting\n')).rejects.toThrow("banking77FromCsv: the BANKING77 CSV row 1 has the category 'greeting', which is not one of the 77 intents");
  });
});
