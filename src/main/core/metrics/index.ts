// Public surface of the metrics module (CONTEXT.md).
export { TIE_MODES, isTieMode, QueryRanking, RankTally, rankQuery, type TieMode } from './ranks.js';
export { toPositiveLists, invertPositives, positivesOf, type PositiveLists, type PositivesLike } from './positives.js';
export { recallAtK } from './recall_at_k.js';
export { rPrecision, hitsInTop } from './r_precision.js';
export { mapAtR } from './map_at_r.js';
export { pmrp } from './pmrp.js';
export { evaluateScores, MetricsAccumulator, DEFAULT_KS, type MetricsOptions, type MetricsResult } from './evaluate.js';
export { evaluateSpace, spaceScores, scoreSpace, type SpaceOptions, type SpaceResult, type Similarity } from './space_eval.js';
export { createDotEngine, wasmSimdAvailable, type DotEngine, type EngineKind } from '../compute/dot_engine.js';
export { evaluateScoreFile, parseKs, readPositivesJson, type ScoreFileArgs, type ScoreFileMetrics } from './score_file_metrics.js';
export { evaluateSpaceParallel, metricsWorkerAvailable, defaultMetricsThreads, type ParallelSpaceOptions } from './space_parallel.js';
