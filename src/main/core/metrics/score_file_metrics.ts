// Metrics of a saved score matrix (`mlens metrics`): R@K, R-Precision, mAP@R and PMRP from a .npy of scores and a positives JSON (docs/metrics.md).
import { readFile } from 'node:fs/promises';
import { readNpy } from '../io/npy.js';
import { DEFAULT_KS, evaluateScores } from './evaluate.js';
import { isTieMode, TIE_MODES, type TieMode } from './ranks.js';

export interface ScoreFileArgs {
  /** .npy, float32 (or float16), queries × gallery, larger = more similar. */
  scores: string;
  /** JSON {"<query index>": [gallery indices]}; absent queries have no positives. */
  positives: string;
  ks?: number[];
  ties?: TieMode;
  /** Plausible-match files (same format); with several, PMRP is their mean. */
  pm?: string[];
  /** Cut the ranked list to the top K for PMRP ("modified PMRP"). */
  pmK?: number;
}

export interface ScoreFileMetrics {
  recall_at: Record<string, number>;
  r_precision: number;
  map_at_r: number;
  pmrp: number | null;
  queries: { evaluated: number; skipped_empty: number };
}

/** "1,5,10" → [1, 5, 10]; throws on anything but a list of positive integers. */
export function parseKs(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new Error(`--ks: expected positive integers separated by commas (e.g. 1,5,10), got "${text}"`);
  }
  return parts.map(Number);
}

/**
 * Reads a positives file: a JSON object whose keys are query indices (0..nQueries-1) and whose
 * values are arrays of gallery indices (0..nGallery-1). A JSON array (index = query) is accepted too.
 */
export async function readPositivesJson(file: string, nQueries: number, nGallery: number): Promise<Map<number, number[]>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read: ${(e as Error).message}`, { cause: e });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: malformed JSON: ${(e as Error).message}`, { cause: e });
  }
  if (data === null || typeof data !== 'object') {
    throw new Error(`${file}: expected an object {"<query index>": [gallery indices]}`);
  }
  const out = new Map<number, number[]>();
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (!/^(0|[1-9]\d*)$/.test(key) || Number(key) >= nQueries) {
      throw new Error(`${file}: key "${key}" is not a query index in 0..${nQueries - 1}`);
    }
    if (!Array.isArray(value)) throw new Error(`${file}: key "${key}": expected an array of gallery indices`);
    for (const g of value) {
      if (typeof g !== 'number' || !Number.isInteger(g)) {
        throw new Error(`${file}: key "${key}": ${JSON.stringify(g)} is not an integer gallery index`);
      }
      if (g < 0 || g >= nGallery) throw new Error(`${file}: key "${key}": gallery index ${g} is out of range 0..${nGallery - 1}`);
    }
    out.set(Number(key), value as number[]);
  }
  return out;
}

export async function evaluateScoreFile(args: ScoreFileArgs): Promise<ScoreFileMetrics> {
  const ks = args.ks ?? [...DEFAULT_KS];
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`--ks: ${ks.join(',')} is not a list of positive integers`);
  const ties = args.ties ?? 'expected';
  if (!isTieMode(ties)) throw new Error(`--ties: "${ties}" is not one of ${TIE_MODES.join(', ')}`);
  if (args.pmK != null && (!Number.isInteger(args.pmK) || args.pmK < 1)) throw new Error(`--pm-k: ${args.pmK} is not a positive integer`);

  const npy = readNpy(args.scores);
  if (npy.shape.length !== 2) {
    throw new Error(`${args.scores}: expected a 2-D queries × gallery matrix, got shape (${npy.shape.join(', ')})`);
  }
  const [nQueries, nGallery] = npy.shape;
  if (nGallery < 1) throw new Error(`${args.scores}: the gallery is empty (shape ${nQueries} × ${nGallery})`);
  const scores = npy.data;
  for (let q = 0; q < nQueries; q++) {
    for (let g = q * nGallery, end = g + nGallery; g < end; g++) {
      if (scores[g] !== scores[g]) throw new Error(`${args.scores}: row ${q} contains NaN (column ${g - q * nGallery})`);
    }
  }
  const positives = await readPositivesJson(args.positives, nQueries, nGallery);
  const pmSets = [];
  for (const file of args.pm ?? []) pmSets.push(await readPositivesJson(file, nQueries, nGallery));
  const r = evaluateScores(scores, nQueries, nGallery, positives, { ks, ties, pmSets, pmK: args.pmK });
  return {
    recall_at: r.recall_at,
    r_precision: r.r_precision,
    map_at_r: r.map_at_r,
    pmrp: r.pmrp,
    queries: { evaluated: r.queries.evaluated, skipped_empty: r.queries.skipped_empty },
  };
}
