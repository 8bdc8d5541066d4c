// Public API of @loom-ml/recommenders/node: saving and loading models as files (Node.js only).
// Everything else, including the byte-level serializeRecommender/deserializeRecommender, is in
// the main entry, which never imports a Node builtin.
export { saveRecommender, loadRecommender, type LoadRecommenderOptions } from './recommender-files.js';
