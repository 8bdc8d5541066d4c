import { describeValue } from '@loom-ml/core';
import type { ColumnSpec, CsvInput, CsvRow } from '@loom-ml/data';
import { DatasetError } from './errors.js';
import { rowsOf, type FromCsvOptions } from './tabular-datasets.js';

// Intent-detection data: short texts, each labelled with one intent. The layout is BANKING77's
// (PolyAI's train.csv / test.csv): a header `text,category`, one query per row. The `…FromCsv`
// functions here run anywhere; the Node.js entry reads the shipped files and files on disk.

/**
 * The 77 intents of BANKING77, in the order of PolyAI's `categories.json`: label `i` of
 * `loadBanking77` / `banking77FromCsv` is `BANKING77_INTENTS[i]`. Two names keep the original's
 * spelling (`Refund_not_showing_up`, `reverted_card_payment?`).
 */
export const BANKING77_INTENTS: readonly string[] = /* @__PURE__ */ Object.freeze([
  'card_arrival', 'card_linking', 'exchange_rate', 'card_payment_wrong_exchange_rate', 'extra_charge_on_statement', 'pending_cash_withdrawal',
  'fiat_currency_support', 'card_delivery_estimate', 'automatic_top_up', 'card_not_working', 'exchange_via_app', 'lost_or_stolen_card', 'age_limit',
  'pin_blocked', 'contactless_not_working', 'top_up_by_bank_transfer_charge', 'pending_top_up', 'cancel_transfer', 'top_up_limits',
  'wrong_amount_of_cash_received', 'card_payment_fee_charged', 'transfer_not_received_by_recipient', 'supported_cards_and_currencies',
  'getting_virtual_card', 'card_acceptance', 'top_up_reverted', 'balance_not_updated_after_cheque_or_cash_deposit', 'card_payment_not_recognised',
  'edit_personal_details', 'why_verify_identity', 'unable_to_verify_identity', 'get_physical_card', 'visa_or_mastercard', 'topping_up_by_card',
  'disposable_card_limits', 'compromised_card', 'atm_support', 'direct_debit_payment_not_recognised', 'passcode_forgotten', 'declined_cash_withdrawal',
  'pending_card_payment', 'lost_or_stolen_phone', 'request_refund', 'declined_transfer', 'Refund_not_showing_up', 'declined_card_payment',
  'pending_transfer', 'terminate_account', 'card_swallowed', 'transaction_charged_twice', 'verify_source_of_funds', 'transfer_timing',
  'reverted_card_payment?', 'change_pin', 'beneficiary_not_allowed', 'transfer_fee_charged', 'receiving_money', 'failed_transfer',
  'transfer_into_account', 'verify_top_up', 'getting_spare_card', 'top_up_by_cash_or_cheque', 'order_physical_card', 'virtual_card_not_working',
  'wrong_exchange_rate_for_cash_withdrawal', 'get_disposable_virtual_card', 'top_up_failed', 'balance_not_updated_after_bank_transfer',
  'cash_withdrawal_not_recognised', 'exchange_charge', 'top_up_by_card_charge', 'activate_my_card', 'cash_withdrawal_charge', 'card_about_to_expire',
  'apple_pay_or_google_pay', 'verify_my_identity', 'country_support',
]);

/** Labelled texts for intent detection. */
export interface IntentDataset {
  /** The queries, as written (not lowercased or trimmed). */
  texts: string[];
  /** `labels[i]` is the index in `intents` of `texts[i]`'s intent. */
  labels: Int32Array;
  /** Intent names; a label is an index into this list. */
  intents: readonly string[];
  count: number;
}

/** Options of `intentsFromCsv` and `loadIntentCsv`. */
export interface IntentCsvOptions extends FromCsvOptions {
  /**
   * The intent names, in label order. A category not in the list is an error naming its row.
   * Default: the categories found in the file, sorted (pass the training set's `intents` when
   * reading its test set, so that labels agree).
   */
  intents?: readonly string[];
}

// Only an empty field is missing (and an error): a query may well read 'NA' or 'null'.
export const INTENT_CSV_SCHEMA: Record<string, ColumnSpec> = { text: { type: 'string', missing: 'error' }, category: { type: 'string', missing: 'error' } };
export const INTENT_CSV_MISSING = [''];

/** Checks the `intents` option: distinct non-empty strings. */
export function checkIntents(intents: unknown, where: string): readonly string[] | undefined {
  if (intents === undefined) return undefined;
  const ok = Array.isArray(intents) && intents.length > 0 && intents.every((name) => typeof name === 'string' && name.length > 0) && new Set(intents).size === intents.length;
  if (!ok) throw new DatasetError(`Invalid value for \`intents\` in ${where}. Expected a non-empty array of distinct non-empty strings. Received: ${describeValue(intents)}.`);
  return intents as readonly string[];
}

/** Rows `{ text, category }` → an `IntentDataset`; `intents` fixes the label order (else sorted categories). */
export function intentsFromRows(rows: CsvRow[], intents: readonly string[] | undefined, where: string, source: string): IntentDataset {
  const names = intents ?? [...new Set(rows.map((row) => row.category as string))].sort();
  const index = new Map(names.map((name, i) => [name, i]));
  const texts: string[] = new Array(rows.length);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, r) => {
    const label = index.get(row.category as string);
    if (label === undefined) {
      throw new DatasetError(`${where}: ${source} row ${r + 1} has the category ${describeValue(row.category)}, which is not one of the ${names.length} intents (${describeValue(names.slice(0, 3).join(', '))}, ...).`);
    }
    texts[r] = row.text as string;
    labels[r] = label;
  });
  return { texts, labels, intents: names, count: rows.length };
}

/** Reads rows of the `text,category` layout from any CSV input (gzip inflated). */
export async function intentRows(input: CsvInput, options: FromCsvOptions): Promise<CsvRow[]> {
  return rowsOf(input, INTENT_CSV_SCHEMA, options, { missingValues: INTENT_CSV_MISSING });
}

/**
 * Reads labelled queries in BANKING77's layout (a header `text,category`, one query per row;
 * other columns are ignored) from CSV text, a `Blob`/`File`, a fetch `Response` or a stream;
 * gzip is inflated. Use it for your own support queries in the same layout.
 *
 * @example
 * const train = await intentsFromCsv(await fetch('/data/my-intents-train.csv'));
 * const test = await intentsFromCsv(await fetch('/data/my-intents-test.csv'), { intents: train.intents });
 */
export async function intentsFromCsv(input: CsvInput, options: IntentCsvOptions = {}): Promise<IntentDataset> {
  const intents = checkIntents(options.intents, 'intentsFromCsv');
  return intentsFromRows(await intentRows(input, options), intents, 'intentsFromCsv', options.source ?? 'the CSV');
}

/**
 * Reads a BANKING77 split (`banking77_train.csv.gz` / `banking77_test.csv.gz` of this
 * package's `data/` folder, or PolyAI's original `train.csv` / `test.csv`) from CSV text, a
 * `Blob`/`File`, a fetch `Response` or a stream. Labels index `BANKING77_INTENTS`; a category
 * outside them is an error naming its row. BANKING77: Casanueva et al. 2020, CC BY 4.0.
 *
 * @example
 * const test = await banking77FromCsv(await fetch('/data/banking77_test.csv.gz')); // 3,080 queries
 * console.log(test.texts[0], test.intents[test.labels[0]]); // 'How do I locate my card?' 'card_arrival'
 */
export async function banking77FromCsv(input: CsvInput, options: FromCsvOptions = {}): Promise<IntentDataset> {
  return intentsFromRows(await intentRows(input, options), BANKING77_INTENTS, 'banking77FromCsv', options.source ?? 'the BANKING77 CSV');
}
