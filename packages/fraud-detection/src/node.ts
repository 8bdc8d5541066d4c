// Public API of @loom-ml/fraud-detection/node: saving and loading models as files (Node.js only).
// `saveFraudModel` / `loadFraudModel` here take file paths as well as everything the main
// entry's functions of the same name take; everything else is in the main entry, which never
// imports a Node builtin.
export { saveFraudModel, loadFraudModel } from './model-files.js';
export { readXGBoostModel } from './xgboost-files.js';
