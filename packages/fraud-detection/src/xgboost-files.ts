import { readFileBounded } from '@loom-ml/core/node';
import { XGBoostModel, type XGBoostLimits } from './xgboost-model.js';

/**
 * Reads an XGBoost JSON model file (Node.js): a regular file within `maxBytes` (default 64 MiB),
 * then every check of `XGBoostModel.fromJSON`.
 *
 * @example
 * import { readXGBoostModel } from '@loom-ml/fraud-detection/node';
 * const model = await readXGBoostModel('models/xgboost.json');
 * model.predictProba(rows);
 */
export async function readXGBoostModel(path: string, options: XGBoostLimits = {}): Promise<XGBoostModel> {
  const bytes = await readFileBounded(path, { maxBytes: options.maxBytes ?? 64 * 2 ** 20, what: 'XGBoost model file' });
  return XGBoostModel.fromJSON(bytes, options);
}
