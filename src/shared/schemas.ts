// Request schemas, checked in main for every call that crosses a process or network boundary.
import { z } from 'zod';
import { FLAG_LABELS } from './flags.js';
import { EXPORT_FORMATS } from './labels.js';
import type { LensMethod } from './api.js';

const index = z.number().int().nonnegative().max(1e8);
const jobId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const spaceId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);
const reviewLabel = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal('invalid_image'), z.literal('invalid_caption')]);

export const flagTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pair'), image: index, caption: index }).strict(),
  z.object({ kind: z.literal('item'), modality: z.enum(['image', 'caption']), index }).strict(),
]);

const none = z.undefined().or(z.null()).or(z.object({}).strict());

/** One schema per method: the request argument (methods without one take nothing). */
export const requestSchemas: Record<LensMethod, z.ZodType> = {
  appInfo: none,
  getSession: none,
  openDataset: z.object({ path: z.string().min(1).max(4096), strict: z.boolean().optional() }).strict(),
  openSample: z.object({ jobId }).strict(),
  pickFolder: none,
  getItems: none,
  getProjection: z.object({ jobId, recompute: z.boolean().optional(), method: z.enum(['umap', 'pca']).optional(), nNeighbors: z.number().int().min(2).max(200).optional(), seed: z.number().int().min(0).max(2 ** 31).optional() }).strict(),
  getItemDetail: z.object({ kind: z.enum(['image', 'caption']), index, k: z.number().int().min(1).max(200).optional() }).strict(),
  listFlags: none,
  addFlag: z.object({ target: flagTargetSchema, label: z.enum(FLAG_LABELS), note: z.string().max(10_000).optional() }).strict(),
  removeFlag: z.object({ id: z.number().int().positive() }).strict(),
  undo: none,
  redo: none,
  exportFlags: z.object({ out: z.string().min(1).max(4096).optional(), overwrite: z.boolean().optional(), format: z.enum(EXPORT_FORMATS).optional() }).strict(),
  cancelJob: z.object({ jobId }).strict(),
  setSpace: z.object({ spaceId }).strict(),
  encode: z.object({ jobId, encoder: z.string().min(1).max(4096) }).strict(),
  trainHead: z
    .object({ jobId, head: z.enum(['pcme', 'cond', 'multipos']), spaceId: spaceId.optional(), condition: z.string().min(1).max(64).optional(), epochs: z.number().int().min(1).max(1000).optional() })
    .strict(),
  stopTraining: z.object({ jobId }).strict(),
  listHeads: none,
  getUncertainty: z.object({ spaceId: spaceId.optional() }).strict(),
  getGlyphs: z.object({ jobId }).strict(),
  getPairCsd: z.object({ image: index, caption: index }).strict(),
  mine: z.object({ jobId, spaceIds: z.array(spaceId).min(1).max(8).optional() }).strict(),
  reviewQueue: z.object({ limit: z.number().int().min(1).max(500).optional(), offset: index.optional(), pendingOnly: z.boolean().optional() }).strict(),
  getReviewUnit: z.object({ clusterId: z.number().int().positive().optional() }).strict(),
  recordReview: z
    .object({
      decisions: z.array(z.object({ image: index, caption: index, label: reviewLabel }).strict()).min(1).max(2000),
      reviewer: z.string().min(1).max(100),
      seconds: z.number().min(0).max(86_400).optional(),
      clusterId: z.number().int().positive().optional(),
    })
    .strict(),
  undoReview: none,
  getMetrics: z
    .object({ spaceIds: z.array(spaceId).min(1).max(8).optional(), ties: z.enum(['expected', 'stable', 'optimistic', 'pessimistic']).optional(), strict: z.boolean().optional() })
    .strict(),
  getMultiplicity: none,
  getCalibration: none,
  addFlags: z
    .object({
      targets: z.array(flagTargetSchema).min(1).max(20_000),
      label: z.enum(FLAG_LABELS),
      note: z.string().max(10_000).optional(),
      source: z.enum(['click', 'lasso']).optional(),
      selection: z.string().max(200).optional(),
    })
    .strict(),
  listLabels: none,
  exportPreview: none,
  getPairPush: z.object({ image: index, caption: index, temperature: z.number().positive().max(10).optional(), batchSize: z.number().int().min(2).max(1_000_000).optional() }).strict(),
  importPositives: z.object({ path: z.string().min(1).max(4096) }).strict(),
  searchItems: z.object({ query: z.string().max(500), limit: z.number().int().min(1).max(500).optional() }).strict(),
  getItemValues: none,
  listDirectory: z.object({ path: z.string().max(4096).optional() }).strict(),
};

export const LENS_METHODS = Object.keys(requestSchemas) as LensMethod[];

export function isLensMethod(name: unknown): name is LensMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, name);
}
