import { invalidValue } from './errors.js';

/** An external id as found in the data: a user id or an item id. */
export type ExternalId = string | number;

/** JSON form of an {@link IdMapping}. */
export interface IdMappingJson {
  ids: ExternalId[];
}

/**
 * Two-way map between external ids (strings or numbers) and dense indices 0..size-1, in
 * first-seen order. `1` and `'1'` are different ids.
 *
 * @example
 * const users = new IdMapping();
 * users.add('alice'); // 0
 * users.add('bob'); // 1
 * users.indexOf('bob'); // 1
 * users.idAt(0); // 'alice'
 * IdMapping.fromJSON(JSON.parse(JSON.stringify(users))).size; // 2
 */
export class IdMapping {
  private readonly ids: ExternalId[] = [];
  private readonly byId = new Map<ExternalId, number>();

  constructor(ids: Iterable<ExternalId> = []) {
    for (const id of ids) this.add(id);
  }

  /** Number of distinct ids. */
  get size(): number {
    return this.ids.length;
  }

  /** Returns the index of `id`, adding it when it is new. */
  add(id: ExternalId): number {
    if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) {
      throw invalidValue('id', 'IdMapping.add', 'a string or a finite number', id);
    }
    const existing = this.byId.get(id);
    if (existing !== undefined) return existing;
    const index = this.ids.length;
    this.ids.push(id);
    this.byId.set(id, index);
    return index;
  }

  /** Index of `id`, or -1 when the id is unknown. */
  indexOf(id: ExternalId): number {
    return this.byId.get(id) ?? -1;
  }

  /** Whether `id` is known. */
  has(id: ExternalId): boolean {
    return this.byId.has(id);
  }

  /** External id at `index`; throws for an index out of range. */
  idAt(index: number): ExternalId {
    const id = this.ids[index];
    if (!Number.isInteger(index) || id === undefined) {
      throw invalidValue('index', 'IdMapping.idAt', `an integer in [0, ${this.ids.length})`, index);
    }
    return id;
  }

  /** All ids in index order (a copy). */
  toArray(): ExternalId[] {
    return this.ids.slice();
  }

  /** The ids in index order as plain JSON, to save with the model (`IdMapping.fromJSON` reads it). */
  toJSON(): IdMappingJson {
    return { ids: this.ids.slice() };
  }

  /** Rebuilds a mapping saved with `toJSON()`: the same id gets the same index. */
  static fromJSON(json: IdMappingJson): IdMapping {
    if (json === null || typeof json !== 'object' || !Array.isArray(json.ids)) {
      throw invalidValue('json', 'IdMapping.fromJSON', 'an object { ids: (string | number)[] }', json);
    }
    const mapping = new IdMapping(json.ids);
    if (mapping.size !== json.ids.length) {
      throw invalidValue('json.ids', 'IdMapping.fromJSON', 'distinct ids', json.ids);
    }
    return mapping;
  }
}
