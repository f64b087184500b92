// Approximate cross-modal top-k with an inverted file per direction (knn_blocked.ts chooses it
// for galleries beyond EXACT_LIMIT): spherical k-means (√n lists) on the gallery, each query
// scores the `nprobe` nearest lists exactly. Row statistics come from a random sample of the
// gallery; recall against exact search is measured on sampled queries (ivf_recall.ts).
import { mulberry32 } from '../../../shared/random.js';
import { CancelledError } from '../jobs/job.js';
import { createDotEngine } from './dot_engine.js';
import { ivfTopRecall, nprobeLadder, type TopRecall } from './ivf_recall.js';
import type { CrossModalKnn, CrossModalSpace, IvfOptions, KnnOptions } from './knn_blocked.js';
import { EMPTY, emptyLists, finishLists, finishStats, offer, type RowStats, type TopKLists } from './top_k.js';

/** Indices 0..n-1 in a seeded random order (first m of them when m < n). */
function sampleIndices(n: number, m: number, random: () => number): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const take = Math.min(m, n);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm.slice(0, take);
}

/** Queries scored together against one list, and gallery rows per call (output QUERY_BATCH × SEGMENT). */
const QUERY_BATCH = 128;
const SEGMENT = 512;

interface Side {
  n: number;
  offset(k: number): number;
  constant(k: number): number;
}

/**
 * One direction with an inverted file: queries and gallery rows live in `space`'s engine; the
 * gallery is copied, grouped by list, into a second engine.
 */
function ivfDirection(space: CrossModalSpace, queries: Side, gallery: Side, k: number, o: IvfOptions, signal: AbortSignal | undefined, progress: (f: number) => void): { lists: TopKLists; stats: RowStats; recall: TopRecall } {
  const row = space.row;
  const src = space.engine.memory;
  const n = gallery.n;
  const nq = queries.n;
  const random = mulberry32(o.seed ?? 7);
  const nlist = Math.max(1, Math.min(n, o.nlist ?? Math.round(Math.sqrt(n))));
  const firstProbe = Math.max(1, Math.min(nlist, o.nprobe ?? Math.max(4, Math.ceil(nlist / 64))));
  const iterations = o.iterations ?? 6;
  const statN = Math.min(n, o.statSample ?? 256);
  const qBlock = 64;
  const qArea = Math.max(qBlock, QUERY_BATCH);
  const trainN = Math.min(n, 32 * nlist);
  // Engine layout: [gallery by list | centroids | stat sample | query block | output].
  const cOff = n * row;
  const sOff = cOff + nlist * row;
  const qOff = sOff + statN * row;
  const outOff = qOff + qArea * row;
  const outLen = Math.max(qBlock * Math.max(nlist, statN), trainN, n, qArea * SEGMENT, 4096);
  const eng = createDotEngine(outOff + outLen);
  const mem = eng.memory;
  const copyRow = (from: number, to: number): void => mem.set(src.subarray(from, from + row), to);

  // Spherical k-means on a sample of the gallery; the sample sits temporarily in the gallery area.
  const train = sampleIndices(n, trainN, random);
  for (let t = 0; t < trainN; t++) copyRow(gallery.offset(train[t]), t * row);
  const normalise = (off: number): void => {
    let s = 0;
    for (let d = 0; d < row; d++) s += mem[off + d] * mem[off + d];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < row; d++) mem[off + d] *= inv;
  };
  for (let c = 0; c < nlist; c++) {
    mem.copyWithin(cOff + c * row, c * row, c * row + row);
    normalise(cOff + c * row);
  }
  const assign = new Int32Array(trainN);
  const argmaxRows = (aOff: number, nA: number, out: Int32Array, outBase: number): void => {
    // Scores of nA rows against all centroids, chunked so the output fits.
    const chunk = Math.max(1, Math.floor(outLen / nlist));
    for (let a0 = 0; a0 < nA; a0 += chunk) {
      const m = Math.min(chunk, nA - a0);
      eng.dots(aOff + a0 * row, m, cOff, nlist, row, outOff, nlist);
      for (let a = 0; a < m; a++) {
        let best = 0;
        let bs = -Infinity;
        for (let c = 0, o2 = outOff + a * nlist; c < nlist; c++) {
          if (mem[o2 + c] > bs) {
            bs = mem[o2 + c];
            best = c;
          }
        }
        out[outBase + a0 + a] = best;
      }
    }
  };
  const counts = new Int32Array(nlist);
  for (let it = 0; it < iterations; it++) {
    if (signal?.aborted) throw new CancelledError('mining');
    argmaxRows(0, trainN, assign, 0);
    const sums = new Float64Array(nlist * row);
    counts.fill(0);
    for (let t = 0; t < trainN; t++) {
      const c = assign[t];
      counts[c]++;
      for (let d = 0; d < row; d++) sums[c * row + d] += mem[t * row + d];
    }
    for (let c = 0; c < nlist; c++) {
      const base = cOff + c * row;
      if (counts[c] === 0) {
        const t = Math.floor(random() * trainN);
        mem.copyWithin(base, t * row, t * row + row);
      } else for (let d = 0; d < row; d++) mem[base + d] = sums[c * row + d];
      normalise(base);
    }
  }
  progress(0.2);

  // Assign every gallery item (through the query block area), then lay the gallery out by list.
  const listOf = new Int32Array(n);
  for (let g0 = 0; g0 < n; g0 += qBlock) {
    const m = Math.min(qBlock, n - g0);
    for (let a = 0; a < m; a++) copyRow(gallery.offset(g0 + a), qOff + a * row);
    argmaxRows(qOff, m, listOf, g0);
  }
  const start = new Int32Array(nlist + 1);
  for (let g = 0; g < n; g++) start[listOf[g] + 1]++;
  for (let c = 0; c < nlist; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nlist);
  const order = new Int32Array(n);
  for (let g = 0; g < n; g++) order[fill[listOf[g]]++] = g;
  for (let p = 0; p < n; p++) copyRow(gallery.offset(order[p]), p * row);
  const stat = sampleIndices(n, statN, random);
  for (let s = 0; s < statN; s++) copyRow(gallery.offset(stat[s]), sOff + s * row);
  const gConst = new Float64Array(n);
  for (let g = 0; g < n; g++) gConst[g] = gallery.constant(g);
  // Recall on sampled queries first: with no nprobe given, take the smallest one reaching the target.
  const score = (q: number, g: number, d: number): number => (space.csd ? Math.fround(-(queries.constant(q) + gConst[g] - 2 * d)) : d);
  const layout = { eng, row, n, nlist, start, order, cOff, qOff, outOff };
  const ladder = o.nprobe != null ? [firstProbe] : nprobeLadder(firstProbe, nlist);
  const sampled = (o.recallSample ?? 100) > 0 ? ivfTopRecall(layout, sampleIndices(nq, o.recallSample ?? 100, random), o.recallDepth ?? 50, ladder, (q) => copyRow(queries.offset(q), qOff), score) : [];
  const recall = sampled.find((r) => r.mean >= (o.recallTarget ?? 0.95)) ?? sampled[sampled.length - 1] ?? { depth: 0, nprobe: firstProbe, nlist, sampled: 0, mean: NaN, min: NaN };
  const nprobe = recall.nprobe;
  progress(0.3);

  const lists = emptyLists(nq, Math.min(k, n));
  const kk = lists.k;
  const sum = new Float64Array(nq);
  const sq = new Float64Array(nq);
  // Pass 1, query blocks: statistics from the gallery sample, and each query's nprobe lists.
  const probes = new Int32Array(nq * nprobe).fill(EMPTY);
  const probeScore = new Float32Array(nprobe);
  const probe = new Int32Array(nprobe);
  for (let q0 = 0; q0 < nq; q0 += qBlock) {
    if (signal?.aborted) throw new CancelledError('mining');
    const m = Math.min(qBlock, nq - q0);
    for (let a = 0; a < m; a++) copyRow(queries.offset(q0 + a), qOff + a * row);
    eng.dots(qOff, m, sOff, statN, row, outOff, statN);
    for (let a = 0; a < m; a++) {
      const qc = queries.constant(q0 + a);
      let s1 = 0;
      let s2 = 0;
      for (let s = 0; s < statN; s++) {
        const d = mem[outOff + a * statN + s];
        const v = space.csd ? -(qc + gConst[stat[s]] - 2 * d) : d;
        s1 += v;
        s2 += v * v;
      }
      sum[q0 + a] = s1;
      sq[q0 + a] = s2;
    }
    eng.dots(qOff, m, cOff, nlist, row, outOff, nlist);
    for (let a = 0; a < m; a++) {
      probeScore.fill(-Infinity);
      probe.fill(EMPTY);
      let thr = -Infinity;
      for (let c = 0, o2 = outOff + a * nlist; c < nlist; c++) {
        const s = mem[o2 + c];
        if (s > thr) thr = offer(probe, probeScore, 0, nprobe, c, s);
      }
      probes.set(probe, (q0 + a) * nprobe);
    }
    progress(0.3 + (0.1 * (q0 + m)) / nq);
  }
  // Pass 2, list by list: the queries that probe a list are gathered side by side and scored
  // against the list in one blocked call (a matrix product, not nq matrix-vector products).
  // Heaps keep (score desc, index asc), so the order lists are visited in does not change them.
  const qStart = new Int32Array(nlist + 1);
  for (let p = 0; p < probes.length; p++) if (probes[p] !== EMPTY) qStart[probes[p] + 1]++;
  for (let c = 0; c < nlist; c++) qStart[c + 1] += qStart[c];
  const qFill = qStart.slice(0, nlist);
  const byList = new Int32Array(qStart[nlist]);
  for (let p = 0; p < probes.length; p++) if (probes[p] !== EMPTY) byList[qFill[probes[p]]++] = Math.floor(p / nprobe);
  const thr = new Float32Array(nq).fill(-Infinity);
  const qc = new Float64Array(qArea);
  let doneWork = 0;
  const totalWork = qStart[nlist];
  for (let c = 0; c < nlist; c++) {
    if (signal?.aborted) throw new CancelledError('mining');
    const len = start[c + 1] - start[c];
    if (!len) continue;
    for (let b0 = qStart[c]; b0 < qStart[c + 1]; b0 += qArea) {
      const m = Math.min(qArea, qStart[c + 1] - b0);
      for (let a = 0; a < m; a++) {
        copyRow(queries.offset(byList[b0 + a]), qOff + a * row);
        qc[a] = queries.constant(byList[b0 + a]);
      }
      for (let s0 = 0; s0 < len; s0 += SEGMENT) {
        const segLen = Math.min(SEGMENT, len - s0);
        const g0 = start[c] + s0;
        eng.dots(qOff, m, g0 * row, segLen, row, outOff, segLen);
        for (let a = 0; a < m; a++) {
          const q = byList[b0 + a];
          const base = q * kk;
          let kthr = thr[q];
          const o2 = outOff + a * segLen;
          for (let j = 0; j < segLen; j++) {
            const d = mem[o2 + j];
            const g = order[g0 + j];
            const s = space.csd ? Math.fround(-(qc[a] + gConst[g] - 2 * d)) : d;
            if (s >= kthr) kthr = offer(lists.indices, lists.scores, base, kk, g, s);
          }
          thr[q] = kthr;
        }
      }
      doneWork += m;
    }
    progress(0.4 + (0.6 * doneWork) / Math.max(1, totalWork));
  }
  return { lists: finishLists(lists), stats: finishStats(sum, sq, statN, 'sample'), recall };
}

/** Approximate top-k in both directions (or the one `opts.direction` names) with inverted files. */
export function ivfCrossModal(space: CrossModalSpace, opts: KnnOptions): CrossModalKnn {
  const o = opts.ivf ?? {};
  const dir = opts.direction ?? 'both';
  const images: Side = { n: space.nImages, offset: (i) => space.imageOffset(i), constant: (i) => space.imageConst(i) };
  const texts: Side = { n: space.nTexts, offset: (c) => space.textOffset(c), constant: (c) => space.textConst(c) };
  const share = dir === 'both' ? 0.5 : 1;
  const a = dir !== 't2i' ? ivfDirection(space, images, texts, opts.kI2T, o, opts.signal, (f) => opts.onProgress?.(f * share)) : emptyDirection(space.nImages);
  const b = dir !== 'i2t' ? ivfDirection(space, texts, images, opts.kT2I, o, opts.signal, (f) => opts.onProgress?.(1 - share + f * share)) : emptyDirection(space.nTexts);
  return { method: 'ivf', i2t: a.lists, t2i: b.lists, imageStats: a.stats, textStats: b.stats, recall: { i2t: a.recall, t2i: b.recall } };
}

const NO_RECALL: TopRecall = { depth: 0, nprobe: 0, nlist: 0, sampled: 0, mean: NaN, min: NaN };

function emptyDirection(n: number): { lists: TopKLists; stats: RowStats; recall: TopRecall } {
  return { lists: { n, k: 0, indices: new Int32Array(0), scores: new Float32Array(0) }, stats: { mean: new Float32Array(n).fill(NaN), sd: new Float32Array(n).fill(NaN), from: 'sample' }, recall: NO_RECALL };
}

/** Joins two one-direction results (image queries from `i2t`, caption queries from `t2i`). */
export function mergeDirections(i2t: CrossModalKnn, t2i: CrossModalKnn): CrossModalKnn {
  return { method: 'ivf', i2t: i2t.i2t, t2i: t2i.t2i, imageStats: i2t.imageStats, textStats: t2i.textStats, recall: { i2t: i2t.recall!.i2t, t2i: t2i.recall!.t2i } };
}
