// The "sample-oracle" encoder: scenes as bags of attribute features, captions as the expected bag of
// the scenes they describe (under the grammar's prior), in one space, projected to 64 dims by a fixed
// seeded random matrix, with a little seeded noise, L2-normalised. It gives the app a
// content-organised map of the sample with no training.
import type { Atom, Desc } from './atoms.js';
import { Rng } from './rng.js';
import { COLOURS, COLUMNS, OBJECT_COUNT_P, ROWS, SHAPES, SIZES, ZIPF_8 } from './scene.js';
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

// Prior of one object under the scene grammar (§6.1): shape and colour Zipf(0.8), size 50/50, and a
// cell uniform over the 3×3 grid (objects take distinct cells, so each cell is equally likely).
const P_SHAPE = normalised(ZIPF_8);
const P_COLOUR = normalised(ZIPF_8);
const P_SIZE = [0.5, 0.5];
const P_COL = [1 / 3, 1 / 3, 1 / 3];
const P_ROW = [1 / 3, 1 / 3, 1 / 3];

function normalised(w: readonly number[]): number[] {
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

function oneHot(n: number, k: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === k ? 1 : 0));
}

/**
 * Adds `times` × the expected features of an object that fits `d`: named attributes as one-hots,
 * the others as their prior distribution (so "a circle" carries the average colour, size and place of
 * a circle).
 */
function addExpectedDesc(f: Float64Array, d: Desc, times: number): void {
  const s = d.shape ? oneHot(8, SHAPES.indexOf(d.shape)) : P_SHAPE;
  const c = d.colour ? oneHot(8, COLOURS.indexOf(d.colour)) : P_COLOUR;
  const z = d.size ? oneHot(2, SIZES.indexOf(d.size)) : P_SIZE;
  const x = d.column ? oneHot(3, COLUMNS.indexOf(d.column)) : P_COL;
  const y = d.row ? oneHot(3, ROWS.indexOf(d.row)) : P_ROW;
  for (let i = 0; i < 8; i++) {
    f[F_SHAPE + i] += W.shape * times * s[i];
    f[F_COLOUR + i] += W.colour * times * c[i];
    for (let j = 0; j < 8; j++) f[F_SC + i * 8 + j] += W.sc * times * s[i] * c[j];
  }
  for (let i = 0; i < 2; i++) f[F_SIZE + i] += W.size * times * z[i];
  for (let i = 0; i < 3; i++) {
    f[F_COL + i] += W.col * times * x[i];
    f[F_ROW + i] += W.row * times * y[i];
    for (let j = 0; j < 3; j++) f[F_CELL + i * 3 + j] += W.cell * times * y[i] * x[j];
  }
}

/**
 * A caption's features are the *expected* features of the scenes it describes under the grammar's
 * prior: its mentioned objects with their unnamed attributes at the prior, plus the expected number
 * of unmentioned objects (given that the scene holds at least the mentioned ones, or exactly `n` when
 * the caption states the total) at the prior object. So a caption sits where the scenes it fits are
 * on average, as a text encoder trained to predict image embeddings would place it; a generic caption
 * lands among the many scenes it fits instead of far from all of them.
 */
export function captionFeatures(atoms: readonly Atom[]): Float64Array {
  const f = new Float64Array(ORACLE_FEATURES);
  let mentioned = 0;
  let total: number | null = null;
  for (const a of atoms) {
    if (a.type === 'exists') {
      addExpectedDesc(f, a.desc, 1);
      mentioned += 1;
    } else if (a.type === 'count') {
      addExpectedDesc(f, a.desc, a.k);
      mentioned += a.k;
    } else if (a.type === 'left_of') {
      addExpectedDesc(f, a.a, 1);
      addExpectedDesc(f, a.b, 1);
      mentioned += 2;
    } else total = a.n;
  }
  const k = Math.min(mentioned, 4);
  let unmentioned: number;
  if (total != null && total >= 1 && total <= 4) {
    f[F_TOTAL + total - 1] += W.total;
    unmentioned = Math.max(0, total - k);
  } else {
    // P(n | n ≥ max(k, 1)) from the object-count prior.
    const p = OBJECT_COUNT_P.map((x, i) => (i + 1 >= Math.max(k, 1) ? x : 0));
    const z = p.reduce((s, x) => s + x, 0);
    let expected = 0;
    p.forEach((x, i) => {
      f[F_TOTAL + i] += (W.total * x) / z;
      expected += ((i + 1) * x) / z;
    });
    unmentioned = Math.max(0, expected - k);
  }
  if (unmentioned > 0) addExpectedDesc(f, {}, unmentioned);
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
    'Attribute oracle of the sample generator: scenes as weighted one-hots of shape, colour, shape×colour, size, ' +
    'column, row, cell and object count; captions as the expected features of the scenes they describe under the ' +
    "grammar's prior (unnamed attributes and unmentioned objects at the prior); projected to 64 dims by a fixed " +
    'seeded Gaussian matrix, plus seeded Gaussian noise (sd 0.02), L2-normalised. Not a learned model.',
};
