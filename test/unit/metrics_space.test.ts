// evaluateSpace (blocked scoring, both directions) against evaluateScores on the explicit matrix.
import { describe, expect, it } from 'vitest';
import { createDotEngine, dotF32x4, paddedRow, wasmSimdAvailable } from '../../src/main/core/compute/dot_engine.js';
import { evaluateScores } from '../../src/main/core/metrics/evaluate.js';
import { evaluateSpace, spaceScores } from '../../src/main/core/metrics/space_eval.js';
import { mulberry32 as rng } from '../../src/shared/random.js';

function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
  return t;
}

/** A small space with many exact ties: entries in {-1, 0, 1}, duplicated rows. */
function tiedSpace(seed: number, nImages: number, nTexts: number, dims: number) {
  const random = rng(seed);
  const tri = () => Math.floor(random() * 3) - 1;
  const image = Float32Array.from({ length: nImages * dims }, tri);
  const text = new Float32Array(nTexts * dims);
  const t2i: number[][] = [];
  for (let c = 0; c < nTexts; c++) {
    const own = c % nImages;
    // half the captions copy their image exactly (ties at the top), the rest are random
    for (let d = 0; d < dims; d++) text[c * dims + d] = random() < 0.5 ? image[own * dims + d] : tri();
    const extra = Array.from({ length: Math.floor(random() * 3) }, () => Math.floor(random() * nImages));
    t2i.push(c % 7 === 6 ? [] : [own, ...extra]);
  }
  return { image, text, t2i };
}

function i2tOf(t2i: number[][], nImages: number): number[][] {
  const out: number[][] = Array.from({ length: nImages }, () => []);
  t2i.forEach((imgs, c) => new Set(imgs).forEach((i) => out[i].push(c)));
  return out;
}

describe('evaluateSpace', () => {
  const dims = 6; // not a multiple of 4: rows are padded
  const nImages = 23;
  const nTexts = 61;
  const { image, text, t2i } = tiedSpace(7, nImages, nTexts, dims);

  it.each(['expected', 'stable', 'optimistic', 'pessimistic'] as const)('equals evaluateScores on the full matrix (%s ties, blocks of 5)', (ties) => {
    const opts = { ks: [1, 5, 10, 100], ties, pmK: 4 };
    const pmT2i = t2i.map((imgs, c) => [...imgs, (c * 3) % nImages]);
    const got = evaluateSpace(image, text, dims, t2i, { ...opts, blockSize: 5, pm: { t2i: [pmT2i], i2t: [i2tOf(pmT2i, nImages)] } });
    const full = spaceScores(image, text, dims);
    const i2t = evaluateScores(full, nImages, nTexts, i2tOf(t2i, nImages), { ...opts, pm: i2tOf(pmT2i, nImages) });
    const t2iRef = evaluateScores(transpose(full, nImages, nTexts), nTexts, nImages, t2i, { ...opts, pm: pmT2i });
    expect(got.i2t).toEqual({ ...i2t, dropped: { out_of_range: 0, duplicates: 0 } });
    expect(got.t2i).toEqual(t2iRef);
    expect(got.t2i.queries.skipped_empty).toBe(t2i.filter((p) => p.length === 0).length);
    expect(got.i2t.queries.evaluated + got.i2t.queries.skipped_empty).toBe(nImages);
  });

  it('gives the same result for every block size and for the JS engine', () => {
    const base = evaluateSpace(image, text, dims, t2i, { blockSize: 256 });
    for (const blockSize of [1, 2, 7]) expect(evaluateSpace(image, text, dims, t2i, { blockSize })).toEqual(base);
    expect(evaluateSpace(image, text, dims, t2i, { blockSize: 4, engine: 'js' })).toEqual(base);
  });

  it('scores by −CSD when log-variances are given (SCIENCE 2.2)', () => {
    const random = rng(3);
    const lvI = Float32Array.from({ length: nImages * dims }, () => random() * 2 - 3);
    const lvT = Float32Array.from({ length: nTexts }, () => random() * 2 - 3);
    const full = spaceScores(image, text, dims, { imageLogVar: lvI, textLogVar: lvT });
    const i = 4;
    const c = 9;
    let dist = 0;
    let ti = 0;
    for (let d = 0; d < dims; d++) {
      dist += (image[i * dims + d] - text[c * dims + d]) ** 2;
      ti += Math.exp(lvI[i * dims + d]);
    }
    const want = -(dist + ti + dims * Math.exp(lvT[c]));
    expect(full[i * nTexts + c]).toBeCloseTo(want, 4);
    const got = evaluateSpace(image, text, dims, t2i, { imageLogVar: lvI, textLogVar: lvT, blockSize: 6 });
    expect(got.t2i).toEqual(evaluateScores(transpose(full, nImages, nTexts), nTexts, nImages, t2i));
  });

  it('perfect embeddings score 1 everywhere; cosine ignores row norms', () => {
    const random = rng(11);
    const n = 9;
    const d = 16;
    const img = Float32Array.from({ length: n * d }, () => random() - 0.5);
    const txt = img.map((x, k) => x * (1 + Math.floor(k / d))); // caption k = image k, scaled
    const r = evaluateSpace(img, txt, d, Array.from({ length: n }, (_, c) => [c]), { ks: [1] });
    for (const dir of [r.i2t, r.t2i]) {
      expect(dir.recall_at['1']).toBe(1);
      expect(dir.r_precision).toBe(1);
      expect(dir.map_at_r).toBe(1);
    }
  });
});

describe('dot engines', () => {
  it('the SIMD kernels and the JS reference agree bit for bit', () => {
    if (!wasmSimdAvailable()) return;
    const random = rng(5);
    const row = paddedRow(37);
    const nA = 7;
    const nB = 133; // remainders in both directions and across the tile size
    for (const kind of ['wasm-simd', 'js'] as const) {
      const e = createDotEngine(nA * row + nB * row + nA * nB, kind);
      const mem = e.memory;
      for (let i = 0; i < nA + nB; i++) for (let d = 0; d < 37; d++) mem[i * row + d] = random() - 0.5;
      const out = (nA + nB) * row;
      e.dots(0, nA, nA * row, nB, row, out, nB);
      for (let i = 0; i < nA; i++) {
        for (let g = 0; g < nB; g++) {
          const want = dotF32x4(mem, i * row, (nA + g) * row, row);
          if (mem[out + i * nB + g] !== want) throw new Error(`${kind}: pair ${i},${g}: ${mem[out + i * nB + g]} != ${want}`);
          if (g % 17 === 0) expect(e.dot(i * row, (nA + g) * row, row)).toBe(want);
        }
      }
    }
  });
});
