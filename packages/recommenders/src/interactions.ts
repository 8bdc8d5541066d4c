import { CsrMatrix, type DuplicatePolicy } from './csr-matrix.js';
import { invalidValue } from './errors.js';
import { IdMapping, type ExternalId } from './id-mapping.js';

/**
 * One user–item event: a rating, a count, or (without `value`) an implicit event worth 1.
 * `timestamp` (any increasing number, e.g. Unix seconds) is used by time-based splits and by
 * `duplicates: 'last'`.
 */
export interface InteractionEvent {
  user: ExternalId;
  item: ExternalId;
  value?: number;
  timestamp?: number;
}

/** Users, items and their user × item matrix. */
export interface Interactions {
  users: IdMapping;
  items: IdMapping;
  /** Rows are users, columns are items. */
  matrix: CsrMatrix;
}

/** Options of {@link buildInteractions}. */
export interface BuildInteractionsOptions {
  /**
   * Repeated (user, item) events: `'sum'` (default; counts add up, natural for implicit
   * events) or `'last'` (the latest by timestamp, then by position; natural for re-ratings).
   */
  duplicates?: DuplicatePolicy;
  /** Known users/items to extend (their indices are kept). New ids are appended. */
  users?: IdMapping;
  items?: IdMapping;
}

/**
 * Builds the id mappings and the user × item CSR matrix from events.
 *
 * @example
 * const { users, items, matrix } = buildInteractions([
 *   { user: 'ann', item: 'matrix', value: 5 },
 *   { user: 'bob', item: 'alien' },
 * ]);
 * matrix.get(users.indexOf('bob'), items.indexOf('alien')); // 1
 */
export function buildInteractions(
  events: readonly InteractionEvent[],
  options: BuildInteractionsOptions = {},
): Interactions {
  const users = options.users ?? new IdMapping();
  const items = options.items ?? new IdMapping();
  const ordered = options.duplicates === 'last' ? sortByTime(events) : events;
  const rows = new Int32Array(ordered.length);
  const columns = new Int32Array(ordered.length);
  const values = new Float32Array(ordered.length);
  ordered.forEach((event, k) => {
    const value = event.value ?? 1;
    if (!Number.isFinite(value)) {
      throw invalidValue(`events[${k}].value`, 'buildInteractions', 'a finite number', event.value);
    }
    rows[k] = users.add(event.user);
    columns[k] = items.add(event.item);
    values[k] = value;
  });
  const matrix = CsrMatrix.fromTriplets(users.size, items.size, rows, columns, values, {
    duplicates: options.duplicates ?? 'sum',
  });
  return { users, items, matrix };
}

/** Stable sort by timestamp; events without one keep their position relative to each other. */
function sortByTime(events: readonly InteractionEvent[]): readonly InteractionEvent[] {
  if (!events.some((event) => event.timestamp !== undefined)) return events;
  return events
    .map((event, position) => ({ event, position }))
    .sort((a, b) => (a.event.timestamp ?? 0) - (b.event.timestamp ?? 0) || a.position - b.position)
    .map(({ event }) => event);
}
