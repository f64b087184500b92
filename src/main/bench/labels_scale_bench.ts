// `npm run bench -- labels-scale` (only when named): a project store at the size a same-text
// acceptance makes on 20,000 digits images (363,170 flags, one batch; 649,872 mined candidates with
// two spaces), read the ways the app reads it, each against the way it was read before, in the same
// process:
// - the labels: the view read whole into objects (before) vs readLabels, first and again with
//   nothing changed, and after one review decision (only the review part is read again);
// - the flags event: the flags as JSON objects through the WebSocket encoding (before) vs the flag
//   table (shared/flag_table.ts), bytes and seconds, and the renderer's unpack;
// - the candidates: every column read (before) vs a run's kept features with p and units read
//   afresh, after a refit wrote new probabilities.
// Size: MLENS_BENCH_LABELS = FLAGSxCANDIDATES (default 363170x649872).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectStore } from '../core/store/project_store.js';
import { ReviewStore } from '../core/review/review_store.js';
import { ensureLabelModel, readFlags, readLabels } from '../core/labels/label_model.js';
import { packFlags, unpackFlags } from '../../shared/flag_table.js';
import { encodeWire } from '../../shared/wire.js';
import { mulberry32 } from '../../shared/random.js';

const seconds = (t0: number): number => Number(((performance.now() - t0) / 1000).toFixed(3));

function timed<T>(f: () => T): { value: T; s: number } {
  const t0 = performance.now();
  const value = f();
  return { value, s: seconds(t0) };
}

export async function benchLabelsScale(): Promise<object> {
  const [nFlags, nCands] = (process.env.MLENS_BENCH_LABELS ?? '363170x649872').split('x').map(Number);
  const base = mkdtempSync(join(tmpdir(), 'mlens-labels-scale-'));
  const file = join(base, 'project.sqlite');
  try {
    // Pairs on a 20,000 × 100,000 grid, 5 captions per image as digits has.
    const nImages = 20_000;
    const setup = new ProjectStore(file);
    const addFlags = timed(() =>
      setup.addFlags(
        Array.from({ length: nFlags }, (_, k) => ({ target: { kind: 'pair' as const, image: (k * 7919) % nImages, caption: k }, label: 'false_negative' as const, note: '', annotated: false })),
        { source: 'rule', provenance: 'same text' },
      ),
    );
    const rnd = mulberry32(3);
    const E = 2;
    const cand = {
      n: nCands,
      image: Int32Array.from({ length: nCands }, (_, k) => k % nImages),
      caption: Int32Array.from({ length: nCands }, (_, k) => Math.floor(k / 7)),
      sources: new Int32Array(nCands).fill(3),
      agreement: new Uint8Array(nCands).fill(2),
      rrf: Float32Array.from({ length: nCands }, () => rnd()),
      zMean: Float32Array.from({ length: nCands }, () => rnd()),
      margin: Float32Array.from({ length: nCands }, () => rnd()),
      lev: new Uint8Array(nCands),
      tauImg: Float32Array.from({ length: nCands }, () => rnd()),
      tauTxt: Float32Array.from({ length: nCands }, () => rnd()),
      prior: Float32Array.from({ length: nCands }, () => rnd()),
      p: Float32Array.from({ length: nCands }, () => rnd()),
      scores: Float32Array.from({ length: nCands * E }, () => rnd()),
      ranks: Int32Array.from({ length: nCands * E * 2 }, (_, j) => j % 50),
    };
    const saveRun = timed(() => new ReviewStore(setup.db).saveMiningRun({ spaces: ['a', 'b'], params: {}, platt: {}, seconds: 0 }, cand, []));
    setup.close();

    // A fresh connection, as the app has after it opens the project.
    const store = new ProjectStore(file);
    const reviews = new ReviewStore(store.db);
    ensureLabelModel(store.db);
    const before = timed(
      () =>
        (store.db.prepare("SELECT * FROM pair_labels WHERE kind IN ('flag', 'review') ORDER BY at IS NOT NULL, at, key").all() as Record<string, unknown>[]).map((r) => ({ ...r, note: r.note ?? '' })).length,
    );
    const first = timed(() => readLabels(store.db, { kinds: ['flag', 'review'] }).length);
    const again = timed(() => readLabels(store.db, { kinds: ['flag', 'review'] }).length);
    reviews.record({ image: 1, caption: 2, label: 1, reviewer: 'bench' });
    const afterReview = timed(() => readLabels(store.db, { kinds: ['flag', 'review'] }).length);

    const flags = readFlags(store.db);
    const objects = timed(() => JSON.stringify(encodeWire({ type: 'flags', flags })).length);
    const table = timed(() => JSON.stringify(encodeWire({ type: 'flags', table: packFlags(flags) })).length);
    const packed = packFlags(flags);
    const unpack = timed(() => unpackFlags(packed).length);

    const refitRead = (): number => reviews.candidateColumns().n;
    const colsFirst = timed(refitRead);
    reviews.updateProbabilities([cand.image[0]], [cand.caption[0]], [0.5]);
    const colsKept = timed(refitRead);
    // Before: every column, blobs included, as the first read of a run still does.
    const other = new ReviewStore(new ProjectStore(file).db);
    const colsWhole = timed(() => other.candidateColumns().n);
    other.db.close();
    store.close();
    return {
      flags: nFlags,
      candidates: nCands,
      setup_seconds: { add_flags: addFlags.s, save_run: saveRun.s },
      labels: {
        labels: first.value,
        before_seconds: before.s,
        first_read_seconds: first.s,
        again_seconds: again.s,
        after_one_review_seconds: afterReview.s,
        ratio_again_to_before: Number((again.s / before.s).toFixed(4)),
        ratio_after_review_to_before: Number((afterReview.s / before.s).toFixed(4)),
      },
      flags_event: {
        objects_mb: Number((objects.value / 1e6).toFixed(1)),
        objects_encode_seconds: objects.s,
        table_mb: Number((table.value / 1e6).toFixed(1)),
        table_encode_seconds: table.s,
        unpack_seconds: unpack.s,
        ratio_bytes: Number((table.value / objects.value).toFixed(3)),
      },
      candidate_columns: {
        whole_seconds: colsWhole.s,
        first_read_seconds: colsFirst.s,
        kept_features_seconds: colsKept.s,
        ratio_kept_to_whole: Number((colsKept.s / colsWhole.s).toFixed(3)),
      },
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
