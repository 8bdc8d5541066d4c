// Public API of @loom-ml/recommenders/spark: Spark MLlib ALS factors in and out (Parquet, through
// hyparquet and hyparquet-writer). A separate entry so that the main entry's bundle does not
// carry a Parquet reader and writer (about 25 KB gzipped) for users who never meet Spark; it runs
// anywhere, like the main entry. Reading a saved model folder from disk is in './node'.
export {
  readSparkFactors,
  sparkFactorsToParquet,
  sparkAlsRecommender,
  alsToSparkFiles,
  sparkAlsMetadata,
  parseSparkAlsMetadata,
  SPARK_FACTORS_SCHEMA,
  SPARK_FACTORS_ROW_METADATA,
  type SparkFactors,
  type SparkFactorPart,
  type SparkFactorLimits,
  type SparkAlsRecommender,
  type SparkAlsOptions,
  type SparkAlsFiles,
} from './spark-als.js';
