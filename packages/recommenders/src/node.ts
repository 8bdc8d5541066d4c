// Public API of @loom-ml/recommenders/node: saving and loading models as files (Node.js only).
// `saveRecommender` / `loadRecommender` here take file paths as well as everything the main
// entry's functions of the same name take; everything else is in the main entry, which never
// imports a Node builtin.
export { saveRecommender, loadRecommender } from './recommender-files.js';
export { readSparkAls, writeSparkAls } from './spark-files.js';
