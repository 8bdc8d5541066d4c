import { FraudError, invalidValue } from './errors.js';

/** Which columns `TabularEncoder.fit` encodes, and how: numeric or categorical. Other columns are ignored. */
export interface TabularSchema {
  /** Numeric columns: standardised with the training mean and standard deviation; missing → mean, plus a missing flag. */
  numeric: string[];
  /** Categorical columns: one-hot over the training categories, plus one out-of-vocabulary slot. */
  categorical: string[];
}

/**
 * A row for `TabularEncoder`: column name → value (a CSV row works). Numeric columns take
 * numbers or numeric strings, with null, undefined or '' as missing; categorical values are
 * compared as strings.
 */
export type TabularRow = Record<string, unknown>;

interface NumericStats {
  mean: number;
  std: number;
  sawMissing: boolean;
}

/**
 * A fitted `TabularEncoder` as plain JSON (`toJSON`, `TabularEncoder.fromJSON`): the schema,
 * each numeric column's training mean and standard deviation, and each categorical column's
 * categories. Save it with the model so serving encodes as training did.
 */
export interface TabularEncoderJSON {
  /** Written since 0.2; JSON saved by 0.1 has no format or version and still loads. */
  format?: 'loom-ml/tabular-encoder';
  version?: 1;
  schema: TabularSchema;
  numeric: Record<string, NumericStats>;
  categories: Record<string, string[]>;
}

// Own properties only: a column named `constructor`, `toString` or `__proto__` must never read
// or write Object.prototype's.
function cell(row: TabularRow, column: string): unknown {
  return Object.prototype.hasOwnProperty.call(row, column) ? row[column] : undefined;
}

function numberOrNull(value: unknown, column: string, row: number): number | null {
  if (value === null || value === undefined || value === '') return null;
  const v = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(v)) throw new FraudError(`column \`${column}\` row ${row}: expected a number, received ${JSON.stringify(value)}.`);
  return v;
}

/**
 * Turns rows of mixed columns into numeric feature vectors, fitted on training rows only and
 * saved as JSON with the model, so serving encodes exactly as training did.
 *
 * @example
 * const encoder = TabularEncoder.fit(trainRows, { numeric: ['annual_inc'], categorical: ['grade'] });
 * const features = encoder.transform(rows); // number[][]
 */
export class TabularEncoder {
  private constructor(private readonly state: TabularEncoderJSON) {}

  /** Fits the statistics (numeric means and deviations, categories) on training rows only. */
  static fit(rows: readonly TabularRow[], schema: TabularSchema): TabularEncoder {
    if (!Array.isArray(rows) || rows.length === 0) throw invalidValue('rows', 'TabularEncoder.fit', 'at least one training row', rows);
    const numeric: Record<string, NumericStats> = Object.create(null) as Record<string, NumericStats>;
    for (const column of schema.numeric) {
      const values = rows.map((r, i) => numberOrNull(cell(r, column), column, i)).filter((v): v is number => v !== null);
      if (values.length === 0) throw new FraudError(`column \`${column}\`: no numeric values in the training rows.`);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      numeric[column] = { mean, std: Math.sqrt(variance) || 1, sawMissing: values.length < rows.length };
    }
    const categories: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const column of schema.categorical) categories[column] = [...new Set(rows.map((r) => String(cell(r, column) ?? '')))].sort();
    return new TabularEncoder({ format: 'loom-ml/tabular-encoder', version: 1, schema, numeric, categories });
  }

  /**
   * Rebuilds an encoder saved with `toJSON()`, checking every column's statistics and categories;
   * a bad one is named by its path, e.g. `numeric.annual_inc.std`.
   *
   * @example
   * const encoder = TabularEncoder.fromJSON(JSON.parse(saved));
   */
  static fromJSON(json: TabularEncoderJSON): TabularEncoder {
    const where = 'TabularEncoder.fromJSON';
    const record = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as unknown as Record<string, unknown>) : undefined;
    if (record === undefined) throw invalidValue('json', where, 'the output of toJSON()', json);
    // 0.1 wrote no format or version: accept their absence, but not another kind or a newer version.
    if (record.format !== undefined && record.format !== 'loom-ml/tabular-encoder') throw invalidValue('format', where, "'loom-ml/tabular-encoder' (the output of toJSON())", record.format);
    if (record.version !== undefined && record.version !== 1) throw invalidValue('version', where, '1', record.version);
    const schema = record.schema as Record<string, unknown> | undefined;
    const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');
    if (typeof schema !== 'object' || schema === null) throw invalidValue('schema', where, '{ numeric, categorical } column lists', schema ?? null);
    for (const kind of ['numeric', 'categorical'] as const) {
      if (!strings(schema[kind])) throw invalidValue(`schema.${kind}`, where, 'an array of column names', schema[kind] ?? null);
    }
    // Own properties only: a column named `constructor` or `toString` must not find Object's.
    const own = (object: unknown, key: string): unknown =>
      typeof object === 'object' && object !== null && Object.prototype.hasOwnProperty.call(object, key) ? (object as Record<string, unknown>)[key] : undefined;
    const columns = [...(schema.numeric as string[]), ...(schema.categorical as string[])];
    const firstRepeat = (list: readonly string[]): string | undefined => {
      const seen = new Set<string>();
      return list.find((item) => seen.size === seen.add(item).size);
    };
    const repeated = firstRepeat(columns);
    if (repeated !== undefined) throw invalidValue('schema', where, 'each column named once', repeated);
    const numeric = record.numeric;
    for (const column of schema.numeric as string[]) {
      const stats = own(numeric, column) as Record<string, unknown> | undefined;
      if (typeof stats !== 'object' || stats === null) throw invalidValue(`numeric.${column}`, where, '{ mean, std, sawMissing }', stats ?? null);
      if (typeof stats.mean !== 'number' || !Number.isFinite(stats.mean)) throw invalidValue(`numeric.${column}.mean`, where, 'a finite number', stats.mean ?? null);
      if (typeof stats.std !== 'number' || !(stats.std > 0 && Number.isFinite(stats.std))) throw invalidValue(`numeric.${column}.std`, where, 'a finite number > 0', stats.std ?? null);
      if (typeof stats.sawMissing !== 'boolean') throw invalidValue(`numeric.${column}.sawMissing`, where, 'true or false', stats.sawMissing ?? null);
    }
    const categories = record.categories;
    for (const column of schema.categorical as string[]) {
      const list = own(categories, column);
      if (!strings(list)) throw invalidValue(`categories.${column}`, where, 'an array of category strings', list ?? null);
      const repeatedCategory = firstRepeat(list as string[]);
      if (repeatedCategory !== undefined) throw invalidValue(`categories.${column}`, where, 'each category once', repeatedCategory);
    }
    return new TabularEncoder(JSON.parse(JSON.stringify({ ...json, format: 'loom-ml/tabular-encoder', version: 1 })) as TabularEncoderJSON);
  }

  /**
   * The fitted statistics and categories as plain, versioned JSON.
   *
   * @example
   * const saved = JSON.stringify(encoder.toJSON());
   */
  toJSON(): TabularEncoderJSON {
    return JSON.parse(JSON.stringify(this.state)) as TabularEncoderJSON;
  }

  /** Names of the output features, in order. */
  get featureNames(): string[] {
    const names: string[] = [];
    for (const column of this.state.schema.numeric) {
      names.push(column);
      if (this.state.numeric[column]!.sawMissing) names.push(`${column}_missing`);
    }
    for (const column of this.state.schema.categorical) {
      for (const category of this.state.categories[column]!) names.push(`${column}=${category}`);
      names.push(`${column}=<other>`);
    }
    return names;
  }

  /**
   * Encodes rows as feature vectors in `featureNames` order: each numeric column standardised
   * (missing is 0, the mean, and sets the column's missing flag when training had missing values),
   * each categorical column one-hot with a last slot for a category not seen in training.
   */
  transform(rows: readonly TabularRow[]): number[][] {
    return rows.map((row, i) => {
      const out: number[] = [];
      for (const column of this.state.schema.numeric) {
        const stats = this.state.numeric[column]!;
        const value = numberOrNull(cell(row, column), column, i);
        out.push(value === null ? 0 : (value - stats.mean) / stats.std);
        if (stats.sawMissing) out.push(value === null ? 1 : 0);
      }
      for (const column of this.state.schema.categorical) {
        const known = this.state.categories[column]!;
        const index = known.indexOf(String(cell(row, column) ?? ''));
        for (let k = 0; k < known.length; k++) out.push(k === index ? 1 : 0);
        out.push(index < 0 ? 1 : 0);
      }
      return out;
    });
  }
}
