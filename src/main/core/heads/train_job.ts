// Head training as a job: in a worker thread (out/main/workers/train.js, on the active tensor
// backend) with progress, per-epoch curves, a soft stop that keeps the best weights so far, and a
// hard cancel; or in-process (tests, CLI fallback) through the same executeTrain.
import type { ProgressFn } from '../jobs/job.js';
import { workerClient } from '../jobs/worker_rpc.js';
import type { TrainWorker } from '../../workers/train.worker.js';
import { transferables, type TrainInput } from './data.js';
import type { HeadConfig, NamedWeights } from './config.js';
import { initBackend } from './tf.js';
import { trainHeadOn, type EpochReport, type EvalScores, type HeadSpec, type TrainResult } from './train.js';

export interface TrainJobRequest {
  input: TrainInput;
  spec: HeadSpec;
  /** Force a tensor backend ('wasm', 'cpu', …); default: the process's choice (MLENS_BACKEND or the fallback order). */
  backend?: string;
}

export interface EncodedImages {
  condition: string | null;
  mean: Float32Array;
  logvar: Float32Array | null;
}

export interface TrainJobResult {
  config: HeadConfig;
  weights: NamedWeights[];
  result: TrainResult;
  val: EvalScores;
  test: EvalScores | null;
  match: { a: number; b: number } | null;
  /** Every caption through the text tower. */
  text: { mean: Float32Array; logvar: Float32Array | null };
  /** Every image through the image tower: one entry, or one per condition for conditional heads. */
  images: EncodedImages[];
  backend: string;
}

export interface TrainJobEvents {
  onProgress?: ProgressFn;
  onEpoch?: (r: EpochReport) => void;
  signal?: AbortSignal;
  /** Soft stop: polled between steps; the run ends with the best weights so far. */
  shouldStop?: () => boolean;
}

/** Trains and encodes every item (what the worker runs). */
export async function executeTrain(req: TrainJobRequest, events: TrainJobEvents = {}): Promise<TrainJobResult> {
  const info = await initBackend(req.backend ? { force: req.backend } : {});
  const trained = await trainHeadOn(req.input, req.spec, events);
  const { head, config } = trained;
  try {
    const text = head.encode('text', req.input.textFeatures);
    const images: EncodedImages[] = [];
    if (config.kind === 'cond' && config.condMode !== 'none') {
      config.conditions.forEach((name, k) => images.push({ condition: name, ...head.encode('image', req.input.imageFeatures, k) }));
    } else {
      images.push({ condition: null, ...head.encode('image', req.input.imageFeatures) });
    }
    return {
      config,
      weights: head.weights(),
      result: trained.result,
      val: trained.val,
      test: trained.test,
      match: head.matchParams(),
      text,
      images,
      backend: info.name,
    };
  } finally {
    head.dispose();
  }
}

export function resultTransferables(r: TrainJobResult): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: Float32Array | null): void => {
    if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  };
  add(r.text.mean);
  add(r.text.logvar);
  for (const im of r.images) {
    add(im.mean);
    add(im.logvar);
  }
  for (const w of r.weights) add(w.data);
  return [...out];
}

/**
 * Runs a training job. In a worker thread by default (the input's typed arrays are transferred:
 * pass a copy if the caller still needs them); `inProcess: true` runs it on this thread.
 */
export function runTrainJob(req: TrainJobRequest, events: TrainJobEvents = {}, opts: { inProcess?: boolean } = {}): Promise<TrainJobResult> {
  if (opts.inProcess) return executeTrain(req, events);
  // A soft stop: the worker ends after the current epoch and keeps the best weights so far.
  const stop = new AbortController();
  const poll = setInterval(() => {
    if (events.shouldStop?.()) stop.abort();
  }, 100);
  return workerClient<TrainWorker>('train')
    .call('train', req, { what: 'training', transfer: transferables(req.input), signal: events.signal, stop: stop.signal, onProgress: events.onProgress, on: { epoch: (r) => events.onEpoch?.(r) } })
    .finally(() => clearInterval(poll));
}
