// The "sample-oracle" encoder: scene and caption atoms as bags of attribute features in one space,
// projected to 64 dims by a fixed seeded random matrix, with a little seeded noise, L2-normalised.
// It gives the app a content-organised map of the sample with no training.
import type { Atom, Desc } from './atoms.js';
import { Rng } from './rng.js';
import { COLOURS, COLUMNS, ROWS, SHAPES, SIZES } from './scene.js';
import type { Scene } from './scene.js';

export const ORACLE_DIMS = 64;
/** The projection is the same for every sample, so maps of different seeds share axes. */
const PROJECTION_SEED = 0x5a4d;
const NOISE_SD = 0.02;

// Feature layout (weights say how much an attribute separates items).
const F_SHAPE = 0;
const F_COLOUR = F_SHAPE + 8;
const F_SC = F_COLOUR + 8;
const F_SIZE = F_SC + 64;
const F_COL = F_SIZE + 2;
const F_ROW = F_COL + 3;
const F_CELL = F_ROW + 3;
const F_TOTAL = F_CELL + 9;
export const ORACLE_FEATURES = F_TOTAL + 4;
const W = { shape: 1, colour: 1, sc: 1.3, size: 0.6, col: 0.5, row: 0.5, cell: 0.6, total: 0.6 };

function addDesc(f: Float64Array, d: Desc, times: number): void {
  const s = d.shape ? SHAPES.indexOf(d.shape) : -1;
  const c = d.colour ? COLOURS.indexOf(d.colour) : -1;
  const x = d.column ? COLUMNS.indexOf(d.column) : -1;
  const y = d.row ? ROWS.indexOf(d.row) : -1;
  if (s >= 0) f[F_SHAPE + s] += W.shape * times;
  if (c >= 0) f[F_COLOUR + c] += W.colour * times;
  if (s >= 0 && c >= 0) f[F_SC + s * 8 + c] += W.sc * times;
  if (d.size) f[F_SIZE + SIZES.indexOf(d.size)] += W.size * times;
  if (x >= 0) f[F_COL + x] += W.col * times;
  if (y >= 0) f[F_ROW + y] += W.row * times;
  if (x >= 0 && y >= 0) f[F_CELL + y * 3 + x] += W.cell * times;
}

export function sceneFeatures(scene: Scene): Float64Array {
  const f = new Float64Array(ORACLE_FEATURES);
  for (const o of scene.objects) addDesc(f, o, 1);
  f[F_TOTAL + Math.min(scene.objects.length, 4) - 1] += W.total;
  return f;
}

export function captionFeatures(atoms: readonly Atom[]): Float64Array {
  const f = new Float64Array(ORACLE_FEATURES);
  for (const a of atoms) {
    if (a.type === 'exists') addDesc(f, a.desc, 1);
    else if (a.type === 'count') addDesc(f, a.desc, a.k);
    else if (a.type === 'left_of') {
      addDesc(f, a.a, 1);
      addDesc(f, a.b, 1);
    } else if (a.n >= 1 && a.n <= 4) f[F_TOTAL + a.n - 1] += W.total;
  }
  return f;
}

export class OracleEncoder {
  private readonly projection: Float64Array;
  private readonly noise: Rng;

  /** seed drives the per-item noise only; items must be encoded in item order. */
  constructor(seed: number) {
    const rng = new Rng(PROJECTION_SEED, 'sample-oracle-projection');
    this.projection = new Float64Array(ORACLE_FEATURES * ORACLE_DIMS);
    for (let i = 0; i < this.projection.length; i++) this.projection[i] = rng.normal() / Math.sqrt(ORACLE_DIMS);
    this.noise = new Rng(seed, 'sample-oracle-noise');
  }

  /** Writes the 64-d unit vector of features f into out at row. */
  encode(f: Float64Array, out: Float32Array, row: number): void {
    const v = new Float64Array(ORACLE_DIMS);
    for (let i = 0; i < ORACLE_FEATURES; i++) {
      const x = f[i];
      if (x === 0) continue;
      const base = i * ORACLE_DIMS;
      for (let d = 0; d < ORACLE_DIMS; d++) v[d] += x * this.projection[base + d];
    }
    normalise(v);
    for (let d = 0; d < ORACLE_DIMS; d++) v[d] += NOISE_SD * this.noise.normal();
    normalise(v);
    for (let d = 0; d < ORACLE_DIMS; d++) out[row * ORACLE_DIMS + d] = v[d];
  }
}

function normalise(v: Float64Array): void {
  let s = 0;
  for (let d = 0; d < v.length; d++) s += v[d] * v[d];
  if (s === 0) return;
  const k = 1 / Math.sqrt(s);
  for (let d = 0; d < v.length; d++) v[d] *= k;
}

export const ORACLE_META = {
  encoder: 'sample-oracle',
  dims: ORACLE_DIMS,
  normalized: true,
  note:
    'Attribute oracle of the sample generator: scene and caption atoms as weighted one-hots of shape, colour, ' +
    'shape×colour, size, column, row, cell and object count, projected to 64 dims by a fixed seeded Gaussian ' +
    'matrix, plus seeded Gaussian noise (sd 0.02), L2-normalised. Not a learned model.',
};
