// Measures matMul layouts on the active backend (DESIGN.md "Compute": measure before choosing).
// For C = A·B with A m×k: 'AB' multiplies by B stored k×n; 'ABt' by B stored n×k with
// transposeB; 'transposeThenAB' transposes the n×k operand first and then multiplies plainly.
import { tf } from './backend.js';

export interface MatMulCase {
  m: number;
  k: number;
  n: number;
}

export interface MatMulFigure extends MatMulCase {
  /** Milliseconds per call, median of the timed repeats. */
  AB: number;
  ABt: number;
  transposeThenAB: number;
  AtB: number;
  /** ABt / AB. */
  ratio: number;
}

export const MATMUL_CASES: MatMulCase[] = [
  // head forward: batch × features · features × D
  { m: 512, k: 512, n: 128 },
  // text tower: batch × hashed text features · features × D
  { m: 512, k: 2048, n: 128 },
  // logits: images × D · (captions × D)ᵀ
  { m: 512, k: 128, n: 512 },
  // scoring a gallery
  { m: 1024, k: 128, n: 4096 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn: () => tf.Tensor, repeats: number): Promise<number> {
  for (let i = 0; i < 2; i++) {
    const t = fn();
    await t.data();
    t.dispose();
  }
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const t = fn();
    await t.data();
    ms.push(performance.now() - t0);
    t.dispose();
  }
  return median(ms);
}

export async function benchMatMul(cases: MatMulCase[] = MATMUL_CASES, repeats = 7): Promise<MatMulFigure[]> {
  const out: MatMulFigure[] = [];
  for (const c of cases) {
    const a = tf.randomNormal([c.m, c.k], 0, 1, 'float32', 1);
    const b = tf.randomNormal([c.k, c.n], 0, 1, 'float32', 2);
    const bt = tf.transpose(b);
    const bT = tf.keep(tf.clone(bt));
    bt.dispose();
    const AB = await time(() => tf.matMul(a, b), repeats);
    const ABt = await time(() => tf.matMul(a, bT, false, true), repeats);
    const transposeThenAB = await time(() => tf.tidy(() => tf.matMul(a, tf.transpose(bT))), repeats);
    const aT = tf.keep(tf.transpose(a));
    const AtB = await time(() => tf.matMul(aT, b, true, false), repeats);
    out.push({ ...c, AB: round(AB), ABt: round(ABt), transposeThenAB: round(transposeThenAB), AtB: round(AtB), ratio: round(ABt / AB) });
    tf.dispose([a, b, bT, aT]);
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
