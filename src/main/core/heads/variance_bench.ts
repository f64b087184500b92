// Variance benchmark (`npm run bench variance` → bench-results/latest-variance.json): what makes a
// PCME++ head's Σσ² rank with true multiplicity on the built-in baseline encoder's space (what a
// user runs), device by device. For each sample world (preset, seed; rendered images, encoded by the
// 'baseline' encoder) it trains one head per device and records the Spearman ρ of caption Σσ² with
// |truth| (all captions and val + test), of image Σσ² with captions per image, the partial ρ given
// the nearest-partner distance, and best/last validation mAP@R. Seed 0 is the tuning seed; the
// others are unseen. docs/variance.md's table is written from the JSON (scripts/variance_doc.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSample } from '../sample/generate.js';
import { openDataset } from '../datasets/open.js';
import type { Dataset } from '../datasets/dataset.js';
import { encodeSpace } from '../encoders/encode_job.js';
import { SpaceStore } from '../spaces/space_store.js';
import { buildTrainInput, ROLE_TEST, ROLE_TRAIN, ROLE_VAL, type TrainInput } from './data.js';
import { totalVariance } from './csd.js';
import { spearman } from '../compute/stats.js';
import { csrFromLists, csrFromPairs } from './csr.js';
import { PCME_INCLUSION, pcmeSpec } from './pcme.js';
import { generalCaptions } from './inclusion.js';
import { trainHeadOn, type HeadSpec } from './train.js';
import { initBackend } from './tf.js';
import { captionsPerImage, datasetVarianceDiagnostics } from './variance_diagnostics.js';
import type { HeadConfig, NamedWeights } from './config.js';
import type { TrainParams } from './train.js';
import type { SamplePreset } from '../sample/generate.js';

/** A device: changes to the default PCME++ spec, and where its extra positives come from. */
export interface VarianceDevice {
  name: string;
  what: string;
  config?: Partial<HeadConfig>;
  train?: Partial<TrainParams>;
  /** Multi-positive matching: 'mined' = each train caption's k nearest train images in the parent space; 'verified' = train-split truth. */
  extra?: { source: 'mined' | 'verified'; k?: number };
  /**
   * Two stages: the extra positives train the means (full rate), then the variances are learned
   * one-to-one on those means (frozen), so the predicted match mass around an item is its multiplicity.
   */
  twoStage?: boolean;
  /**
   * Two stages: the default head, then its variances retrained (means frozen, every epoch run, the
   * last kept) on the validation split's pairs: items the encoder's head did not train on, whose
   * embeddings still show how generic they are (docs/science.md, the partners probe).
   */
  varOnVal?: boolean;
  /** Inclusion loss between captions: each train caption's more general train captions (heads/inclusion.ts). */
  general?: boolean;
  /** Two stages: the default head (best epoch kept), then its variances trained on with this device's config (means frozen), the last epoch kept. */
  thenVariances?: boolean;
}

export const VARIANCE_DEVICES: VarianceDevice[] = [
  { name: 'default', what: 'the PCME++ recipe of `mlens train --head pcme` (pseudo-positives α = 0.1, 30 epochs)' },
  { name: 'pp-off', what: 'pseudo-positives off (α = 0)', config: { ppAlpha: 0 } },
  { name: 'pp-1', what: 'pseudo-positives α = 1', config: { ppAlpha: 1 } },
  { name: 'mix-25', what: 'mixed-sample augmentation on image features, 25 % of rows, soft targets', train: { mix: 0.25 } },
  { name: 'mix-50', what: 'mixed-sample augmentation, 50 % of rows', train: { mix: 0.5 } },
  { name: 'multipos-mined', what: 'several positives: each train caption’s 3 nearest train images in the parent space', extra: { source: 'mined', k: 3 } },
  { name: 'multipos-verified', what: 'several positives: train-split truth (every pair verified)', extra: { source: 'verified' } },
  { name: 'var-lr-x3', what: 'variance heads at 3 × the learning rate', train: { varLrScale: 3 } },
  { name: 'var-lr-x0.3', what: 'variance heads at 0.3 × the learning rate', train: { varLrScale: 0.3 } },
  { name: 'scale-a1', what: 'softer match scale a = b = 1 at the start', config: { initA: 1, initB: 1 } },
  { name: 'means-mined-then-var', what: 'two stages: means trained with the 3 mined positives per caption, then variances one-to-one on frozen means', extra: { source: 'mined', k: 3 }, twoStage: true },
  { name: 'means-verified-then-var', what: 'two stages: means trained with train-split truth, then variances one-to-one on frozen means', extra: { source: 'verified' }, twoStage: true },
  { name: 'var-on-val', what: 'two stages: the default head, then its variances retrained on the validation split’s pairs (means frozen), items the encoder did not train on', varOnVal: true },
  { name: 'incl-img', what: 'ProLIP inclusion loss, image ⊂ its annotated caption (weight 1; sharpness k = 1 in every incl- row unless named)', config: { inclusionImage: 1, inclusionScale: 1 } },
  { name: 'incl-txt', what: 'ProLIP inclusion loss, caption ⊂ a train caption with a subset of its words (weight 1)', config: { inclusionText: 1, inclusionScale: 1 }, general: true },
  { name: 'incl-txt-10', what: 'the same at weight 10', config: { inclusionText: 10, inclusionScale: 1 }, general: true },
  { name: 'incl-txt-0.1', what: 'the same at weight 0.1', config: { inclusionText: 0.1, inclusionScale: 1 }, general: true },
  { name: 'incl-txt-last', what: 'caption inclusion (weight 1), the last epoch’s weights kept', config: { inclusionText: 1, inclusionScale: 1 }, train: { keep: 'last' }, general: true },
  { name: 'incl-both-last', what: 'both inclusion losses (weight 1 each), the last epoch’s weights kept', config: { inclusionImage: 1, inclusionText: 1, inclusionScale: 1 }, train: { keep: 'last' }, general: true },
  { name: 'incl-img-last', what: 'image ⊂ caption inclusion (weight 1), the last epoch’s weights kept', config: { inclusionImage: 1, inclusionScale: 1 }, train: { keep: 'last' } },
  { name: 'incl-txt-k10-last', what: 'caption inclusion at weight 0.1 with a sharper loss (k = 10), the last epoch’s weights kept', config: { inclusionText: 0.1, inclusionScale: 10 }, train: { keep: 'last' }, general: true },
  { name: 'incl-img-then-var', what: 'two stages: the default head, then its variances trained on with image ⊂ caption inclusion (weight 1), means frozen, the last epoch kept', config: { inclusionImage: 1, inclusionScale: 1 }, thenVariances: true },
  { name: 'incl-option', what: 'the option as shipped (`mlens train --head pcme --inclusion 0.3`): image ⊂ caption at weight 0.3, k = 10, the last epoch kept; chosen on the science protocol’s seed 0', config: { inclusionImage: PCME_INCLUSION.weight, inclusionScale: PCME_INCLUSION.scale }, train: { keep: 'last' } },
  { name: 'incl-img-0.1', what: 'image ⊂ caption inclusion at weight 0.1', config: { inclusionImage: 0.1, inclusionScale: 1 } },
  { name: 'incl-both', what: 'both inclusion losses (weight 1 each)', config: { inclusionImage: 1, inclusionText: 1, inclusionScale: 1 }, general: true },
  { name: 'epochs-100', what: 'the default for 100 epochs (more variance steps)', train: { epochs: 100 } },
  { name: 'keep-best', what: 'the default, keeping the best validation epoch’s weights', train: { keep: 'best' } },
];

export interface VarianceRun {
  preset: SamplePreset;
  seed: number;
  device: string;
  captionRho: number;
  captionPartial: number;
  captionHeldRho: number | null;
  imageRho: number;
  imagePartial: number;
  captionNearestRho: number;
  /** Caption Σσ² vs |truth| on the test split's captions only (var-on-val trains on the validation split's). */
  captionTestRho?: number | null;
  /** Image Σσ² vs captions per image on the test split's images only. */
  imageTestRho?: number | null;
  valBest: number;
  valLast: number;
  valKept: number;
  initial: number;
  seconds: number;
}

export interface VarianceBenchOptions {
  images?: number;
  worlds?: Array<{ preset: SamplePreset; seed: number }>;
  devices?: string[];
  epochs?: number;
  log?: (s: string) => void;
}

/** Each train caption's k nearest train images (cosine, parent space), its annotated image left out. */
export function minedPositives(input: TrainInput, k: number): ReturnType<typeof csrFromPairs> {
  const D = input.imageDims;
  const trainImages: number[] = [];
  input.imageRole.forEach((r, i) => r === ROLE_TRAIN && trainImages.push(i));
  const pairs: Array<[number, number]> = [];
  for (let c = 0; c < input.nCaptions; c++) {
    if (input.imageRole[input.captionImage[c]] !== ROLE_TRAIN) continue;
    const scored: Array<[number, number]> = [];
    for (const i of trainImages) {
      if (i === input.captionImage[c]) continue;
      let s = 0;
      for (let d = 0; d < D; d++) s += input.textFeatures[c * D + d] * input.imageFeatures[i * D + d];
      scored.push([s, i]);
    }
    scored.sort((a, b) => b[0] - a[0]);
    for (const [, i] of scored.slice(0, k)) pairs.push([c, i]);
  }
  return csrFromPairs(pairs, input.nCaptions);
}

function verifiedPositives(ds: Dataset, input: TrainInput): ReturnType<typeof csrFromLists> {
  return csrFromLists(
    ds.truth!.map((imgs, c) => (input.imageRole[input.captionImage[c]] === ROLE_TRAIN ? Array.from(imgs).filter((i) => input.imageRole[i] === ROLE_TRAIN && i !== input.captionImage[c]) : [])),
    input.nCaptions,
  );
}

async function world(dir: string, preset: SamplePreset, seed: number, images: number): Promise<{ ds: Dataset; image: Float32Array; text: Float32Array; dims: number }> {
  await generateSample({ out: join(dir, 'sample'), images, preset, seed });
  const ds = await openDataset(join(dir, 'sample'));
  const projectDir = join(dir, 'project');
  const enc = await encodeSpace({ dataset: ds, encoderSpec: 'baseline', projectDir, inProcess: true });
  const s = new SpaceStore(projectDir).load(enc.record.id);
  return { ds, image: s.image, text: s.text, dims: s.record.dims };
}

/** A two-stage device's first stage: its weights, the head released. */
async function firstStage(input: TrainInput, spec: HeadSpec): Promise<NamedWeights[]> {
  const first = await trainHeadOn(input, spec);
  const weights = first.head.weights();
  first.head.dispose();
  return weights;
}

/** Trains one head per device on each world; one record per (world, device). */
export async function runVarianceBench(o: VarianceBenchOptions = {}): Promise<VarianceRun[]> {
  await initBackend();
  const images = o.images ?? 320;
  const worlds = o.worlds ?? [{ preset: 'A', seed: 0 }];
  const devices = VARIANCE_DEVICES.filter((d) => !o.devices || o.devices.includes(d.name));
  const log = o.log ?? ((s: string) => console.error(s));
  const runs: VarianceRun[] = [];
  for (const w of worlds) {
    const dir = mkdtempSync(join(tmpdir(), 'mlens-variance-'));
    try {
      const { ds, image, text, dims } = await world(dir, w.preset, w.seed, images);
      const perImage = captionsPerImage(ds.truth ?? [], ds.images.length);
      for (const dev of devices) {
        const t0 = performance.now();
        const base = buildTrainInput(ds, { image, text, dims });
        const extra = dev.extra ? (dev.extra.source === 'mined' ? minedPositives(base, dev.extra.k ?? 3) : verifiedPositives(ds, base)) : null;
        const withExtra: TrainInput = extra ? { ...base, extraPositives: extra } : base;
        const input: TrainInput = dev.general ? { ...withExtra, generalCaptions: generalCaptions(ds.captions.map((c) => c.text), (c) => base.imageRole[base.captionImage[c]] === ROLE_TRAIN) } : withExtra;
        const spec: HeadSpec = pcmeSpec(dims, { config: dev.config, train: { ...dev.train, ...(o.epochs ? { epochs: o.epochs } : {}) } });
        let r;
        if (dev.twoStage) {
          const init = await firstStage(input, { ...spec, positives: 'extra', train: { ...spec.train, meanLrScale: 1 } });
          r = await trainHeadOn(base, { ...spec, train: { ...spec.train, meanLrScale: 0 }, init });
        } else if (dev.thenVariances) {
          const init = await firstStage(base, pcmeSpec(dims, { train: spec.train }));
          r = await trainHeadOn(input, { ...spec, train: { ...spec.train, meanLrScale: 0, keep: 'last', patience: 1_000_000 }, init });
        } else if (dev.varOnVal) {
          const init = await firstStage(base, spec);
          // The validation split trains, the train split is what the trainer evaluates (the means
          // do not move, so selection has nothing to choose): every epoch runs and the last is kept.
          const swapped = Int8Array.from(base.imageRole, (role) => (role === ROLE_VAL ? ROLE_TRAIN : role === ROLE_TRAIN ? ROLE_VAL : role));
          r = await trainHeadOn({ ...base, imageRole: swapped }, { ...spec, train: { ...spec.train, meanLrScale: 0, keep: 'last', patience: 1_000_000 }, init });
        } else {
          if (extra) spec.positives = 'extra';
          r = await trainHeadOn(input, spec);
        }
        const img = r.head.encode('image', input.imageFeatures);
        const txt = r.head.encode('text', input.textFeatures);
        const d = datasetVarianceDiagnostics(ds, { dims: r.config.dims, image: img.mean, text: txt.mean, imageLogvar: img.logvar!, textLogvar: txt.logvar! }, null);
        const cap = d.captions.find((x) => x.against === 'multiplicity' && !x.scope)!;
        const held = d.captions.find((x) => x.against === 'multiplicity' && x.scope === 'val+test');
        const im = d.images.find((x) => x.against === 'multiplicity')!;
        const near = d.captions.find((x) => x.against === 'nearest')!;
        const curves = r.result.curves.map((e) => e.val.mapAtR);
        const testRho = (): { cap: number | null; img: number | null } => {
          const tc = totalVariance(txt.logvar!, input.nCaptions, r.config.dims);
          const ti = totalVariance(img.logvar!, input.nImages, r.config.dims);
          const caps: number[] = [];
          input.captionImage.forEach((i, c) => base.imageRole[i] === ROLE_TEST && caps.push(c));
          const ims: number[] = [];
          base.imageRole.forEach((role, i) => role === ROLE_TEST && ims.push(i));
          const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);
          return {
            cap: ds.truth ? fin(spearman(caps.map((c) => tc[c]), caps.map((c) => ds.truth![c].length))) : null,
            img: ds.truth ? fin(spearman(ims.map((i) => ti[i]), ims.map((i) => perImage[i]))) : null,
          };
        };
        const test = testRho();
        const run: VarianceRun = {
          preset: w.preset,
          seed: w.seed,
          device: dev.name,
          captionRho: cap.rho,
          captionPartial: cap.partialRho ?? NaN,
          captionHeldRho: held?.rho ?? null,
          imageRho: im.rho,
          imagePartial: im.partialRho ?? NaN,
          captionNearestRho: near.rho,
          captionTestRho: test.cap,
          imageTestRho: test.img,
          valBest: Math.max(r.result.initial.mapAtR, ...curves),
          valLast: r.result.last.mapAtR,
          valKept: r.val.mapAtR,
          initial: r.result.initial.mapAtR,
          seconds: (performance.now() - t0) / 1000,
        };
        r.head.dispose();
        runs.push(run);
        log(`variance ${w.preset}/${w.seed} ${dev.name}: caption ρ ${run.captionRho.toFixed(3)} (partial ${run.captionPartial.toFixed(3)}), image ρ ${run.imageRho.toFixed(3)}, val best ${run.valBest.toFixed(3)} last ${run.valLast.toFixed(3)} (${run.seconds.toFixed(1)} s)`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return runs;
}

const meanSd = (x: number[]): { mean: number; sd: number; n: number } => {
  const v = x.filter(Number.isFinite);
  const m = v.reduce((a, b) => a + b, 0) / (v.length || 1);
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return { mean: m, sd, n: v.length };
};

/** Per device: the tuning world's figures and mean ± sd over the unseen worlds. */
export function summarizeVariance(runs: VarianceRun[], tuning = { preset: 'A', seed: 0 }) {
  const fields = ['captionRho', 'captionPartial', 'captionHeldRho', 'captionTestRho', 'imageRho', 'imagePartial', 'imageTestRho', 'valBest', 'valLast'] as const;
  const names = [...new Set(runs.map((r) => r.device))];
  return names.map((device) => {
    const mine = runs.filter((r) => r.device === device);
    const tune = mine.find((r) => r.preset === tuning.preset && r.seed === tuning.seed) ?? null;
    const unseen = mine.filter((r) => r !== tune);
    const what = VARIANCE_DEVICES.find((d) => d.name === device)?.what ?? '';
    return {
      device,
      what,
      tuning: tune ? Object.fromEntries(fields.map((f) => [f, tune[f]])) : null,
      unseen: Object.fromEntries(fields.map((f) => [f, meanSd(unseen.map((r) => r[f] ?? NaN))])),
      unseenWorlds: unseen.map((r) => `${r.preset}/${r.seed}`),
    };
  });
}

/** `bench variance`: the tuning world (A/0) and unseen worlds (A/1, A/2, B/1, C/1). */
export async function benchVariance(): Promise<object> {
  const worlds = (process.env.MLENS_VARIANCE_WORLDS ?? 'A/0,A/1,A/2,B/1,C/1').split(',').map((s) => {
    const [preset, seed] = s.split('/');
    return { preset: preset as SamplePreset, seed: Number(seed) };
  });
  const devices = process.env.MLENS_VARIANCE_DEVICES?.split(',');
  const images = Number(process.env.MLENS_VARIANCE_IMAGES ?? 320);
  const runs = await runVarianceBench({ images, worlds, devices });
  return { images, encoder: 'baseline', tuning: 'A/0', summary: summarizeVariance(runs), runs };
}
