// "What does Σσ² follow?": nearest-partner distances against brute force (within splits), and the
// rank correlations on spaces built so that the variance follows one known quantity.
import { describe, expect, it } from 'vitest';
import { nearestSquaredDistance, varianceDiagnostics } from '../../src/main/core/heads/variance_diagnostics.js';
import { mulberry32 } from '../../src/shared/random.js';

function randomRows(n: number, dims: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n * dims }, () => r() * 2 - 1);
}

function bruteNearest(q: Float32Array, qi: number, g: Float32Array, gallery: number[], dims: number): number {
  let best = Infinity;
  for (const j of gallery) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += (q[qi * dims + d] - g[j * dims + d]) ** 2;
    best = Math.min(best, s);
  }
  return best;
}

/** log σ² rows whose Σσ² is exactly t (spread evenly over the dims). */
function logvarFor(t: ArrayLike<number>, dims: number): Float32Array {
  const out = new Float32Array(t.length * dims);
  for (let i = 0; i < t.length; i++) out.fill(Math.log(t[i] / dims), i * dims, (i + 1) * dims);
  return out;
}

describe('nearestSquaredDistance', () => {
  it('equals brute force over more queries than one block, with dims that need padding', () => {
    const dims = 7;
    const q = randomRows(300, dims, 1);
    const g = randomRows(90, dims, 2);
    const queries = Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 3 !== 1);
    const gallery = Array.from({ length: 90 }, (_, j) => j).filter((j) => j % 4 !== 0);
    const got = nearestSquaredDistance(q, queries, g, gallery, dims);
    queries.forEach((qi, k) => expect(got[k]).toBeCloseTo(bruteNearest(q, qi, g, gallery, dims), 4));
    expect([...nearestSquaredDistance(q, [0], g, [], dims)]).toEqual([Infinity]);
  });
});

describe('varianceDiagnostics', () => {
  const dims = 8;
  const nI = 60;
  const nC = 180;
  const image = randomRows(nI, dims, 3);
  const text = randomRows(nC, dims, 4);
  const captionImage = Int32Array.from({ length: nC }, (_, c) => c % nI);
  const imageSplit = Array.from({ length: nI }, (_, i) => (i < 40 ? 'train' : 'test'));
  const splitImages = (s: string): number[] => imageSplit.flatMap((x, i) => (x === s ? [i] : []));
  const truth = Array.from({ length: nC }, (_, c) => Array.from({ length: 1 + (c % 7) }, (_, k) => (captionImage[c] + k) % nI));

  it('reports ρ = 1 with multiplicity when Σσ² grows with the number of true images', () => {
    const tText = Float64Array.from(truth, (t) => 0.1 + t.length);
    const r = varianceDiagnostics({ dims, image, text, imageLogvar: logvarFor(new Float64Array(nI).fill(0.3), dims), textLogvar: logvarFor(tText, dims), captionImage, imageSplit, truth });
    const m = r.captions.find((x) => x.against === 'multiplicity' && x.scope === undefined)!;
    expect(m.rho).toBeCloseTo(1, 6);
    expect(m.n).toBe(nC);
    // the same over every caption of validation/test images (here the 20 test images' 60 captions)
    const held = r.captions.find((x) => x.against === 'multiplicity' && x.scope === 'val+test')!;
    expect(held.n).toBe(captionImage.filter((i) => imageSplit[i] === 'test').length);
    expect(held.rho).toBeCloseTo(1, 6);
    expect(r.sampled).toBe(false);
    // constant image variance: no correlation can be computed
    expect(Number.isNaN(r.images.find((x) => x.against === 'nearest')!.rho)).toBe(true);
  });

  it('partial ρ: what Σσ² says about multiplicity beyond the nearest distance', () => {
    const dNear = Float64Array.from({ length: nC }, (_, c) => bruteNearest(text, c, image, splitImages(imageSplit[captionImage[c]]), dims));
    const rank = new Float64Array(nC);
    Array.from(dNear.keys()).sort((a, b) => dNear[a] - dNear[b]).forEach((c, k) => (rank[c] = k));
    const rnd = mulberry32(7);
    // multiplicity: the distance's rank plus its own noise
    const m = Float64Array.from(rank, (k) => Math.floor((k + rnd() * nC) / 10));
    const mTruth = Array.from(m, (x) => Array.from({ length: 1 + x }, (_, k) => k % nI));
    const diag = (tText: Float64Array) => varianceDiagnostics({ dims, image, text, imageLogvar: logvarFor(new Float64Array(nI).fill(0.3), dims), textLogvar: logvarFor(tText, dims), captionImage, imageSplit, truth: mTruth });
    const mult = (r: ReturnType<typeof diag>) => r.captions.find((x) => x.against === 'multiplicity' && x.scope === undefined)!;
    // Σσ² that follows the distance (plus noise of its own): correlated with m only through it
    const byDistance = mult(diag(Float64Array.from(rank, (k) => 1 + k + rnd() * nC * 0.2)));
    expect(byDistance.rho).toBeGreaterThan(0.4);
    expect(Math.abs(byDistance.partialRho!)).toBeLessThan(0.2);
    // Σσ² that follows m itself keeps a large partial ρ
    const byM = mult(diag(Float64Array.from(m, (x) => 1 + x + rnd() * 0.5)));
    expect(byM.partialRho!).toBeGreaterThan(0.8);
    const r = diag(Float64Array.from(m, (x) => 1 + x));
    expect(Number.isFinite(r.captions.find((x) => x.against === 'multiplicity' && x.scope === 'val+test')!.partialRho!)).toBe(true);
    expect(r.images.find((x) => x.against === 'multiplicity')!.partialRho).toBeDefined();
  });

  it('finds partners within the split: ρ = −1 when Σσ² falls as the nearest same-split image gets further', () => {
    const dNear = Float64Array.from({ length: nC }, (_, c) => bruteNearest(text, c, image, splitImages(imageSplit[captionImage[c]]), dims));
    const tText = Float64Array.from(dNear, (d) => 1 / (1 + d));
    const r = varianceDiagnostics({ dims, image, text, imageLogvar: logvarFor(new Float64Array(nI).fill(0.3), dims), textLogvar: logvarFor(tText, dims), captionImage, imageSplit, truth: null });
    expect(r.captions.map((x) => x.against)).toEqual(['nearest']);
    expect(r.captions[0].rho).toBeCloseTo(-1, 6);
    // the same variance against nearest images searched over every split is not a perfect ranking
    const pooled = varianceDiagnostics({ dims, image, text, imageLogvar: logvarFor(new Float64Array(nI).fill(0.3), dims), textLogvar: logvarFor(tText, dims), captionImage, imageSplit: null, truth: null });
    expect(pooled.captions[0].rho).toBeGreaterThan(-0.999);
  });

  it('counts images per caption for image multiplicity, adds known positives, and samples big spaces', () => {
    const perImage = new Float64Array(nI);
    truth.forEach((t) => t.forEach((i) => perImage[i]++));
    const known = Int32Array.from({ length: nC }, (_, c) => (c % 5 === 0 ? 2 : 0));
    const r = varianceDiagnostics({
      dims,
      image,
      text,
      imageLogvar: logvarFor(Float64Array.from(perImage, (p) => 0.05 * p), dims),
      textLogvar: logvarFor(Float64Array.from(known, (k) => 0.2 + k), dims),
      captionImage,
      imageSplit,
      truth,
      knownPerCaption: known,
    });
    expect(r.images.find((x) => x.against === 'multiplicity')!.rho).toBeCloseTo(1, 6);
    expect(r.captions.find((x) => x.against === 'known')!.rho).toBeCloseTo(1, 6);
    const s = varianceDiagnostics({ dims, image, text, imageLogvar: logvarFor(perImage, dims), textLogvar: logvarFor(Float64Array.from(truth, (t) => t.length), dims), captionImage, imageSplit, truth }, { maxItems: 50 });
    expect(s.sampled).toBe(true);
    expect(s.captions.filter((x) => x.scope === undefined).every((x) => x.n === 50)).toBe(true);
    expect(s.captions.find((x) => x.against === 'multiplicity')!.rho).toBeCloseTo(1, 6);
  });
});
