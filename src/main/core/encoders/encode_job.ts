// Turning a dataset into a space, as a job (DESIGN.md "Compute"):
//   encodeSpace()   caller side: runs the job in a worker thread (src/main/workers/encode.worker.ts,
//                   through the worker RPC), relays progress with items/s and time left, cancels
//                   (the worker is gone before the call rejects);
//   runEncodeJob()  the job itself (in the worker, or in-process when asked).
//
// Caching: a space's id is spaceId(dataset hash, encoder id, weights hash, params + the images'
// content hash for encoders that read pixels), so reopening a dataset reuses its space and changing
// an image (which the dataset hash, built from index files, does not see) makes a new one. Inside a
// run, per-item features are cached by content hash (feature_cache.ts), so only changed images are
// decoded again. Nothing is written before the space is complete: the space is saved atomically
// (SpaceStore), then the caches are committed; a cancelled job leaves neither.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { freemem } from 'node:os';
import { basename, join } from 'node:path';
import type { Problem } from '../../../shared/dataset.js';
import { appVersion } from '../io/app_version.js';
import type { Dataset } from '../datasets/dataset.js';
import { CancelledError } from '../jobs/job.js';
import { workerClient } from '../jobs/worker_rpc.js';
import type { EncodeWorker } from '../../workers/encode.worker.js';
import { ORACLE_NAME, isOracleSource } from '../spaces/oracle.js';
import { SpaceStore, spaceId } from '../spaces/space_store.js';
import type { SpaceRecord } from '../spaces/space.js';
import { initBackend } from '../tensor/backend.js';
import type { EncodeContext, Encoder, EncoderOutput } from './encoder.js';
import { shareDuplicateRows } from './duplicate_rows.js';
import { JobCaches } from './feature_cache.js';
import { nonFiniteRows, normalizeRows } from './npy_encoder.js';
import { createEncoder, normalizeEncoderSpec, parseEncoderSpec } from './registry.js';

export interface EncodeProgress {
  phase: string;
  done: number;
  total: number;
  /** Items (or epochs, in 'train') per second in this phase so far. */
  itemsPerSecond?: number;
  /** Seconds left in this phase at that rate. */
  etaSeconds?: number;
}

/** A space record as saved by an encoding job: with the items it had to skip. */
export type EncodedSpaceRecord = SpaceRecord & { problems?: Problem[] };

export interface EncodeResult {
  record: SpaceRecord;
  cached: boolean;
  /** Items skipped (unreadable images, …), each naming the file. */
  problems: Problem[];
  /** Counters from the run (imagesEncoded, imagesFromCache, imagesRehashed, epochs, …). */
  stats: Record<string, number>;
}

export interface EncodeSpaceOptions {
  dataset: Dataset;
  encoderSpec: string;
  projectDir: string;
  signal?: AbortSignal;
  onProgress?: (p: EncodeProgress) => void;
  /** Refuse when the estimate exceeds this many bytes (default: MLENS_MEMORY_LIMIT_MB, else free memory). */
  memoryLimitBytes?: number;
  /** Force a tensor backend in the job (default: MLENS_BACKEND, else the fallback order). */
  backend?: string;
  /** Run in this thread instead of a worker (tests, tools); cancel still works through signal. */
  inProcess?: boolean;
  /** One line per notable event (default: stderr; the backend choice only once per process). */
  log?: (line: string) => void;
}

let backendLogged = false;
function defaultLog(line: string): void {
  if (line.startsWith('tensor backend:')) {
    if (backendLogged) return;
    backendLogged = true;
  }
  console.error(line);
}

/** The estimate says the job will not fit in memory. */
export class MemoryLimitError extends Error {
  constructor(
    readonly neededBytes: number,
    readonly limitBytes: number,
    source: string,
  ) {
    super(
      `encoding needs about ${gib(neededBytes)} of memory but only ${gib(limitBytes)} is available (${source}); ` +
        'close other programs, encode a smaller dataset, or raise the limit with MLENS_MEMORY_LIMIT_MB',
    );
    this.name = 'MemoryLimitError';
  }
}

function gib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The memory budget of a job and where it comes from. */
export function memoryLimit(explicit?: number): { bytes: number; source: string } {
  if (explicit != null) return { bytes: explicit, source: 'the configured limit' };
  const env = Number(process.env.MLENS_MEMORY_LIMIT_MB);
  if (process.env.MLENS_MEMORY_LIMIT_MB && Number.isFinite(env) && env > 0) return { bytes: env * 2 ** 20, source: `MLENS_MEMORY_LIMIT_MB=${process.env.MLENS_MEMORY_LIMIT_MB}` };
  return { bytes: freemem(), source: 'free memory now' };
}

/** A generic estimate for encoders that give none: 1024 dims per item, several copies. */
function defaultEstimate(ds: Dataset): number {
  return (ds.images.length + ds.captions.length) * 1024 * 4 * 3 + 256 * 2 ** 20;
}

/** What the worker needs of a dataset: no truth, positives or caption extras; embeddings only when used. */
export function datasetForJob(ds: Dataset, withEmbeddings: boolean): Dataset {
  return {
    root: ds.root,
    name: ds.name,
    format: ds.format,
    images: ds.images.map((i) => ({ id: i.id, path: i.path, split: i.split, missing: i.missing })),
    captions: ds.captions.map((c) => ({ id: c.id, text: c.text, imageIndex: c.imageIndex, split: c.split })),
    truth: null,
    positives: [],
    embeddings: withEmbeddings ? ds.embeddings : null,
    problems: withEmbeddings ? ds.problems.filter((p) => p.file.startsWith('embeddings')) : [],
    hash: ds.hash,
  };
}

function spaceName(encoder: Encoder, ds: Dataset, dims: number): string {
  let p;
  try {
    p = parseEncoderSpec(encoder.id);
  } catch {
    return `${encoder.id} ${dims}-d`;
  }
  if (p.kind === 'dataset') {
    const src = ds.embeddings?.source;
    if (isOracleSource(src)) return ORACLE_NAME;
    return `dataset embeddings${src && src !== 'embeddings/*.npy' ? ` (${src})` : ''}`;
  }
  if (p.kind === 'npy') return `npy ${p.arg.split(',').map((f) => basename(f)).join(' + ')}`;
  if (p.kind === 'clip' || p.kind === 'tfjs') return `${p.kind} ${p.arg.split(',').map((f) => basename(f)).join(' + ')}`;
  return `${encoder.id} ${dims}-d${encoder.settingsLabel ? ` (${encoder.settingsLabel})` : ''}`;
}

function checkOutput(out: EncoderOutput, ds: Dataset, encoder: Encoder): void {
  const nI = ds.images.length;
  const nC = ds.captions.length;
  const di = nI ? out.image.length / nI : out.dims;
  const dt = nC ? out.text.length / nC : out.dims;
  if (di !== dt) throw new Error(`encoder ${encoder.id}: image embeddings have ${di} dims but text embeddings have ${dt}; both must share one space`);
  if (out.image.length !== nI * out.dims || out.text.length !== nC * out.dims) {
    throw new Error(`encoder ${encoder.id}: returned ${out.image.length} image and ${out.text.length} text values, expected ${nI}×${out.dims} and ${nC}×${out.dims}`);
  }
  const bi = nonFiniteRows(out.image, out.dims);
  if (bi) throw new Error(`encoder ${encoder.id}: image ${bi.first} (${ds.images[bi.first].path}) got NaN or Inf (${bi.count} images in all); nothing was saved`);
  const bt = nonFiniteRows(out.text, out.dims);
  if (bt) throw new Error(`encoder ${encoder.id}: caption ${bt.first} (id ${ds.captions[bt.first].id}) got NaN or Inf (${bt.count} captions in all); nothing was saved`);
}

export interface JobInput {
  dataset: Dataset;
  /** Normalised spec (absolute paths). */
  encoderSpec: string;
  projectDir: string;
  memoryLimitBytes?: number;
  backend?: string;
  /** Marks this job's temporary files. */
  tag: string;
}

export interface JobHooks {
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Called with the space id as soon as it is known (before any work; the caller cleans up by it). */
  onKey?: (id: string) => void;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** The job: hash, look up, check memory, encode, validate, save, commit caches. */
export async function runEncodeJob(input: JobInput, hooks: JobHooks = {}): Promise<EncodeResult> {
  const { dataset: ds, projectDir } = input;
  const progress = hooks.onProgress ?? (() => undefined);
  const startedAt = new Date();
  const t0 = performance.now();
  const encoder = await createEncoder(input.encoderSpec, { log: hooks.log });
  const store = new SpaceStore(projectDir);
  const caches = new JobCaches(projectDir);
  const readsPixels = encoder.readsPixels !== false;
  const stats: Record<string, number> = {};

  let imageHashes: (string | null)[] | undefined;
  let imageContent: string | undefined;
  if (readsPixels) {
    const h = caches.hashes.hashAll(ds, (d, t) => progress('hash', d, t), hooks.signal);
    imageHashes = h.hashes;
    imageContent = h.combined;
    stats.imagesRehashed = h.rehashed;
  }
  const weightsHash = await encoder.weightsHash();
  // Spaces the app computes give identical inputs one row (duplicate_rows.ts); the key says so.
  const params = readsPixels ? { ...encoder.params, imageContent, duplicates: 'shared' } : { ...encoder.params };
  const id = spaceId({ datasetHash: ds.hash, encoder: encoder.id, weightsHash, params });
  hooks.onKey?.(id);
  if (store.has(id)) {
    const record = store.record(id) as EncodedSpaceRecord;
    if (readsPixels) caches.hashes.commit(input.tag);
    return { record, cached: true, problems: record.problems ?? [], stats };
  }

  const limit = memoryLimit(input.memoryLimitBytes);
  const needed = encoder.estimateBytes?.(ds) ?? defaultEstimate(ds);
  if (needed > limit.bytes) throw new MemoryLimitError(needed, limit.bytes, limit.source);

  let backend = 'js';
  if (encoder.usesTensors !== false) {
    const info = await initBackend({ force: input.backend, log: hooks.log });
    backend = info.gpu ? `${info.name} (${info.gpu})` : info.name;
  }
  const ctx: EncodeContext = {
    dataset: ds,
    signal: hooks.signal,
    onProgress: (p) => progress(p.phase, p.done, p.total),
    backend,
    imageHashes,
    featureCache: (ns) => caches.features(ns),
  };
  await encoder.check?.(ctx);
  hooks.signal?.throwIfAborted();
  const out = await encoder.encode(ctx);
  hooks.signal?.throwIfAborted();
  checkOutput(out, ds, encoder);

  const probabilistic = !!(out.imageLogvar && out.textLogvar);
  let normalized = out.normalized;
  if (!normalized && !probabilistic && encoder.params.normalize !== false) {
    normalizeRows(out.image, out.dims);
    normalizeRows(out.text, out.dims);
    normalized = true;
  }
  if (readsPixels) {
    const shared = shareDuplicateRows(ds, imageHashes, out.dims, out);
    stats.duplicateCaptionsShared = shared.captions;
    stats.duplicateImagesShared = shared.images;
  }
  const seed = typeof encoder.params.seed === 'number' ? encoder.params.seed : null;
  const record: EncodedSpaceRecord = {
    id,
    name: spaceName(encoder, ds, out.dims),
    encoder: encoder.id,
    weightsHash,
    dims: out.dims,
    nImages: ds.images.length,
    nCaptions: ds.captions.length,
    probabilistic,
    normalized,
    parent: null,
    condition: null,
    run: {
      appVersion: appVersion(),
      datasetHash: ds.hash,
      encoder: encoder.id,
      weightsHash,
      params,
      seed,
      backend: out.backend ?? backend,
      startedAt: startedAt.toISOString(),
      seconds: Math.round((performance.now() - t0) / 10) / 100,
    },
    problems: out.skipped,
  };
  const saved = store.save(record, { image: out.image, text: out.text, imageLogvar: out.imageLogvar ?? null, textLogvar: out.textLogvar ?? null });
  caches.commit(input.tag);
  (encoder as { dispose?: () => void }).dispose?.();
  return { record: saved, cached: false, problems: out.skipped, stats: { ...stats, ...(out.stats ?? {}) } };
}

/** Adds items/s and time left to raw progress, per phase. */
export function progressMeter(onProgress?: (p: EncodeProgress) => void): (phase: string, done: number, total: number) => void {
  let phase = '';
  let t0 = 0;
  let d0 = 0;
  return (ph, done, total) => {
    if (!onProgress) return;
    const now = performance.now();
    if (ph !== phase) {
      phase = ph;
      t0 = now;
      d0 = done;
      onProgress({ phase: ph, done, total });
      return;
    }
    const secs = (now - t0) / 1000;
    const p: EncodeProgress = { phase: ph, done, total };
    if (secs > 0.05 && done > d0) {
      p.itemsPerSecond = Math.round(((done - d0) / secs) * 100) / 100;
      p.etaSeconds = Math.round(((total - done) / p.itemsPerSecond) * 10) / 10;
    }
    onProgress(p);
  };
}

function removeSpaceTemporaries(projectDir: string, id: string): void {
  const dir = join(projectDir, 'spaces');
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (name.startsWith(`${id}.tmp-`)) rmSync(join(dir, name), { recursive: true, force: true });
}

/**
 * Encodes a dataset into a space (or returns the cached one). Rejects with CancelledError when
 * the signal aborts, MemoryLimitError when it will not fit, or the encoder's error.
 */
export async function encodeSpace(opts: EncodeSpaceOptions): Promise<EncodeResult> {
  const spec = normalizeEncoderSpec(opts.encoderSpec);
  const withEmbeddings = parseEncoderSpec(spec).kind === 'dataset';
  const input: JobInput = {
    dataset: datasetForJob(opts.dataset, withEmbeddings),
    encoderSpec: spec,
    projectDir: opts.projectDir,
    memoryLimitBytes: opts.memoryLimitBytes,
    backend: opts.backend,
    tag: `${process.pid}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
  };
  const meter = progressMeter(opts.onProgress);
  const log = opts.log ?? defaultLog;
  let spaceKey: string | null = null;
  const cleanup = (): void => {
    JobCaches.removeTemporary(opts.projectDir, input.tag);
    if (spaceKey) removeSpaceTemporaries(opts.projectDir, spaceKey);
  };
  if (opts.signal?.aborted) throw new CancelledError('encoding');

  if (opts.inProcess) {
    try {
      return await runEncodeJob(input, { onProgress: meter, onKey: (id) => (spaceKey = id), log, signal: opts.signal });
    } catch (e) {
      cleanup();
      if (opts.signal?.aborted) throw new CancelledError('encoding');
      throw e;
    }
  }

  try {
    return await workerClient<EncodeWorker>('encode').call('encode', input, {
      what: 'encoding',
      signal: opts.signal,
      onProgress: (p) => meter(p.phase, p.done, p.total),
      on: { key: (id) => (spaceKey = id), log },
    });
  } catch (e) {
    // The call settles once the worker is gone, so no file appears after this cleanup. The
    // error's class does not cross the thread; its name (MemoryLimitError, …) does.
    cleanup();
    throw e;
  }
}
