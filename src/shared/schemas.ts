// Request schemas, checked in main for every call that crosses a process or network boundary.
import { z } from 'zod';
import { FLAG_LABELS } from './flags.js';
import { EXPORT_FORMATS } from './labels.js';
import { COLUMN_ROLES } from './dataset.js';
import type { LensApi, LensMethod, LensServiceName, ReqOf } from './api.js';

const index = z.number().int().nonnegative().max(1e8);
const jobId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const spaceId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);
const reviewLabel = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal('invalid_image'), z.literal('invalid_caption')]);

export const flagTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pair'), image: index, caption: index }).strict(),
  z.object({ kind: z.literal('item'), modality: z.enum(['image', 'caption']), index }).strict(),
]);

/** A map selection: item indices per kind (a million points fit). */
const mapSelection = { images: z.array(index).max(5_000_000).optional(), captions: z.array(index).max(5_000_000).optional(), bits: z.string().max(8_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/).optional() };

/** The request of a method without one: nothing, null or {} on the wire; the service gets undefined. */
const none = z
  .union([z.undefined(), z.null(), z.object({}).strict()])
  .transform((): undefined => undefined);

const path = z.string().min(1).max(4096);
const columnName = z.string().min(1).max(1024);
/** A table column mapping: role -> column name (datasets.open). */
const columnMap = z.partialRecord(z.enum(COLUMN_ROLES), columnName);

/** What requestSchemas must be: every method of every service, each a schema of its request type. */
export type RequestSchemas = { [S in LensServiceName]: { [M in keyof LensApi[S]]: z.ZodType<ReqOf<LensApi[S][M]>> } };

/** One schema per method, by service then method: the request argument (methods without one take nothing). */
export const requestSchemas = {
  app: {
    info: none,
    session: none,
    pickFolder: none,
    listDirectory: z.object({ path: z.string().max(4096).optional() }).strict(),
  },
  jobs: {
    cancel: z.object({ jobId }).strict(),
  },
  datasets: {
    open: z.object({ path, strict: z.boolean().optional(), columns: columnMap.optional() }).strict(),
    openSample: z.object({ jobId }).strict(),
    items: none,
    search: z.object({ query: z.string().max(500), limit: z.number().int().min(1).max(500).optional() }).strict(),
    itemValues: none,
  },
  spaces: {
    setActive: z.object({ spaceId }).strict(),
    encode: z.object({ jobId, encoder: z.string().min(1).max(4096) }).strict(),
    itemDetail: z.object({ kind: z.enum(['image', 'caption']), index, k: z.number().int().min(1).max(200).optional() }).strict(),
  },
  projection: {
    get: z
      .object({ jobId, recompute: z.boolean().optional(), method: z.enum(['umap', 'pca']).optional(), nNeighbors: z.number().int().min(2).max(200).optional(), seed: z.number().int().min(0).max(2 ** 31).optional() })
      .strict(),
    glyphs: z.object({ jobId }).strict(),
  },
  heads: {
    train: z
      .object({ jobId, head: z.enum(['pcme', 'cond', 'multipos', 'residual']), spaceId: spaceId.optional(), condition: z.string().min(1).max(64).optional(), epochs: z.number().int().min(1).max(1000).optional(), inclusion: z.number().min(0).max(100).optional() })
      .strict(),
    stop: z.object({ jobId }).strict(),
    list: none,
    uncertainty: z.object({ spaceId: spaceId.optional() }).strict(),
    partners: z.object({ spaceId: spaceId.optional() }).strict(),
    pairCsd: z.object({ image: index, caption: index }).strict(),
  },
  mining: {
    run: z.object({ jobId, spaceIds: z.array(spaceId).min(1).max(8).optional(), multiplicityPrior: z.union([z.boolean(), z.literal('auto')]).optional() }).strict(),
    calibration: none,
  },
  review: {
    queue: z.object({ limit: z.number().int().min(1).max(500).optional(), offset: index.optional(), pendingOnly: z.boolean().optional() }).strict(),
    unit: z.object({ clusterId: z.number().int().positive().optional() }).strict(),
    record: z
      .object({
        decisions: z.array(z.object({ image: index, caption: index, label: reviewLabel }).strict()).min(1).max(2000),
        reviewer: z.string().min(1).max(100),
        seconds: z.number().min(0).max(86_400).optional(),
        clusterId: z.number().int().positive().optional(),
      })
      .strict(),
    sendSelection: z.object(mapSelection).strict(),
    acceptSameText: z.object({ who: z.string().min(1).max(100).optional() }).strict(),
    undo: none,
  },
  labels: {
    listFlags: none,
    flagTable: none,
    addFlag: z.object({ target: flagTargetSchema, label: z.enum(FLAG_LABELS), note: z.string().max(10_000).optional() }).strict(),
    addFlags: z
      .object({
        targets: z.array(flagTargetSchema).min(1).max(20_000),
        label: z.enum(FLAG_LABELS),
        note: z.string().max(10_000).optional(),
        source: z.enum(['click', 'lasso']).optional(),
        selection: z.string().max(200).optional(),
      })
      .strict(),
    removeFlag: z.object({ id: z.number().int().positive() }).strict(),
    undo: none,
    redo: none,
    list: none,
    importPositives: z.object({ path }).strict(),
  },
  metrics: {
    table: z
      .object({ spaceIds: z.array(spaceId).min(1).max(8).optional(), ties: z.enum(['expected', 'stable', 'optimistic', 'pessimistic']).optional(), strict: z.boolean().optional(), split: z.string().min(1).max(64).optional() })
      .strict(),
    multiplicity: none,
    pairPush: z.object({ image: index, caption: index, temperature: z.number().positive().max(10).optional(), batchSize: z.number().int().min(2).max(1_000_000).optional() }).strict(),
  },
  export: {
    preview: none,
    write: z.object({ out: path.optional(), overwrite: z.boolean().optional(), format: z.enum(EXPORT_FORMATS).optional() }).strict(),
    writeSelection: z.object({ ...mapSelection, format: z.enum(['sqlite', 'parquet', 'csv']), out: path.optional(), overwrite: z.boolean().optional() }).strict(),
  },
} satisfies RequestSchemas;

// `satisfies` refuses a missing or unknown method and a schema whose output is not its request
// type. Zod types are covariant, so a schema that accepts less than its type says would still pass
// it (a field the type makes optional and the schema requires, or an optional field the schema
// lacks and .strict() refuses): the check below compares both ways and compares the keys.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? (Keys<A> extends Keys<B> ? (Keys<B> extends Keys<A> ? true : false) : false) : false) : false;
type Keys<T> = T extends object ? (T extends readonly unknown[] ? never : keyof T) : never;
/** The wire names of the methods whose schema output and request type differ (never when none do). */
export type SchemaDrift<T extends RequestSchemas> = {
  [S in LensServiceName]: {
    [M in keyof LensApi[S] & keyof T[S]]: Same<z.output<T[S][M]>, ReqOf<LensApi[S][M]>> extends true ? never : `${S}.${M & string}`;
  }[keyof LensApi[S] & keyof T[S]];
}[LensServiceName];
export type NoDrift<T extends RequestSchemas> = [SchemaDrift<T>] extends [never] ? true : { drift: SchemaDrift<T> };
/** A compile error naming the drifting methods when a schema and its request type differ. */
export const schemasMatchTypes: NoDrift<typeof requestSchemas> = true;

const own = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * A wire name `service.method` split in two, with its request schema, or null unless both halves
 * name an own key of requestSchemas (so `labels.__proto__`, `constructor.x`, `app`, `app.` and
 * `.info` are not methods).
 */
export function parseLensMethod(name: unknown): { service: LensServiceName; method: string; schema: z.ZodType } | null {
  if (typeof name !== 'string' || name.length > 64) return null;
  const dot = name.indexOf('.');
  if (dot <= 0 || dot !== name.lastIndexOf('.')) return null;
  const service = name.slice(0, dot);
  const method = name.slice(dot + 1);
  if (!own(requestSchemas, service)) return null;
  const methods = requestSchemas[service as LensServiceName] as Record<string, z.ZodType>;
  if (!own(methods, method)) return null;
  return { service: service as LensServiceName, method, schema: methods[method]! };
}

export function isLensMethod(name: unknown): name is LensMethod {
  return parseLensMethod(name) !== null;
}

/** Every wire method name, `service.method`. */
export const LENS_METHODS = Object.entries(requestSchemas).flatMap(([service, methods]) => Object.keys(methods).map((m) => `${service}.${m}`)) as LensMethod[];
