// Mining results and review decisions in the project SQLite file (DESIGN.md "Data model").
//
// Takes the project store's connection (better-sqlite3, WAL, synchronous=FULL) and its session;
// its tables are created and changed by the store's one migration ladder (store/migrations.ts):
//   mining_runs            one row per `mine` (spaces, parameters, calibrations, classifier)
//   mining_candidates      the latest run's candidate pairs with their features and p
//   mining_clusters        the latest run's review units, in queue order
//   review_decisions       every decision ever made (ECCV Caption 1–4 or an invalid item), with the
//                          reviewer, seconds spent and time; an undo marks the last batch undone.
//                          Decisions outlive re-mining: they are keyed by the pair, not the run.
//   review_extra_positives imported positives (ECCV Caption JSON, CxC CSV, positives.jsonl)
// Every call that records or undoes decisions is one transaction, committed (and, with
// synchronous=FULL, on disk) before it returns.
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/sqlite.js';
import { migrate } from '../store/migrations.js';
import {
  EFFECTIVE,
  UNREVIEWED,
  isReviewLabel,
  toCandidate,
  toCluster,
  toDecision,
  type CandidateColumns,
  type CandidateDbRow,
  type CandidateRow,
  type ClusterDbRow,
  type ClusterRow,
  type DecisionDbRow,
  type DecisionInput,
  type ExtraPositive,
  type MiningRun,
  type ReviewDecision,
  type ServedBy,
  type StoredCandidates,
  type UnitToSave,
} from './review_rows.js';

export * from './review_rows.js';

/** Brings the file to the current schema (store/migrations.ts owns every table's DDL). */
export function ensureReviewSchema(db: Db): void {
  migrate(db);
}

export class ReviewStore {
  /**
   * `session`: undo takes back only batches recorded under it (pass the ProjectStore's session so
   * flags and reviews of one window share it; a new one is made when absent).
   */
  constructor(
    readonly db: Db,
    readonly session: string = randomUUID(),
  ) {
    migrate(db);
  }

  // ---- mining results ----

  /**
   * Replaces the candidates and clusters with a new run, in one transaction. Returns the run id.
   * Units' `pairs` index into `cands`.
   */
  saveMiningRun(
    run: { spaces: string[]; params: Record<string, unknown>; platt: unknown; seconds: number },
    cands: CandidateColumns,
    units: readonly UnitToSave[],
  ): number {
    const now = new Date().toISOString();
    const E = run.spaces.length;
    if (cands.scores.length !== cands.n * E || cands.ranks.length !== cands.n * E * 2) {
      throw new RangeError(`candidates: ${cands.scores.length} scores and ${cands.ranks.length} ranks for ${cands.n} pairs × ${E} spaces`);
    }
    const insertRun = this.db.prepare(
      'INSERT INTO mining_runs(created_at, spaces, params, platt, classifier, n_candidates, n_clusters, seconds) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)',
    );
    const insertCluster = this.db.prepare(
      `INSERT INTO mining_clusters(run_id, kind, position, served_by, priority, expected_valid, uncertainty, cost_seconds, captions, images, reference_images, n_pairs)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertCand = this.db.prepare(
      `INSERT INTO mining_candidates(image_index, caption_index, run_id, sources, agreement, rrf, z_mean, margin, lev, tau_img, tau_txt, prior, p, cluster_id, scores, ranks)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const tx = this.db.transaction(() => {
      this.db.exec('DELETE FROM mining_candidates; DELETE FROM mining_clusters;');
      const runId = Number(insertRun.run(now, JSON.stringify(run.spaces), JSON.stringify(run.params), JSON.stringify(run.platt), cands.n, units.length, run.seconds).lastInsertRowid);
      const clusterOf = new Int32Array(cands.n).fill(-1);
      for (const u of units) {
        const id = Number(
          insertCluster.run(
            runId,
            u.kind,
            u.position,
            u.servedBy,
            u.priority,
            u.expectedValid,
            u.uncertainty,
            u.costSeconds,
            JSON.stringify(Array.from(u.captions)),
            JSON.stringify(Array.from(u.images)),
            JSON.stringify(Array.from(u.referenceImages)),
            u.pairs.length,
          ).lastInsertRowid,
        );
        for (let j = 0; j < u.pairs.length; j++) clusterOf[u.pairs[j]] = id;
      }
      for (let k = 0; k < cands.n; k++) {
        const scores = Buffer.from(cands.scores.buffer, cands.scores.byteOffset + k * E * 4, E * 4);
        const ranks = Buffer.from(cands.ranks.buffer, cands.ranks.byteOffset + k * E * 8, E * 8);
        insertCand.run(
          cands.image[k],
          cands.caption[k],
          runId,
          cands.sources[k],
          cands.agreement[k],
          cands.rrf[k],
          cands.zMean[k],
          cands.margin[k],
          cands.lev[k],
          cands.tauImg[k],
          cands.tauTxt[k],
          cands.prior[k],
          cands.p[k],
          clusterOf[k] >= 0 ? clusterOf[k] : null,
          scores,
          ranks,
        );
      }
      return runId;
    });
    return tx();
  }

  latestRun(): MiningRun | null {
    const r = this.db.prepare('SELECT * FROM mining_runs ORDER BY id DESC LIMIT 1').get() as
      | { id: number; created_at: string; spaces: string; params: string; platt: string; classifier: string | null; n_candidates: number; n_clusters: number; seconds: number }
      | undefined;
    if (!r) return null;
    return {
      id: r.id,
      createdAt: r.created_at,
      spaces: JSON.parse(r.spaces) as string[],
      params: JSON.parse(r.params) as Record<string, unknown>,
      platt: JSON.parse(r.platt),
      classifier: r.classifier ? JSON.parse(r.classifier) : null,
      candidates: r.n_candidates,
      clusters: r.n_clusters,
      seconds: r.seconds,
    };
  }

  setClassifier(runId: number, classifier: unknown): void {
    this.db.prepare('UPDATE mining_runs SET classifier = ? WHERE id = ?').run(JSON.stringify(classifier), runId);
  }

  countCandidates(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM mining_candidates').get() as { n: number }).n;
  }

  /** Candidates, filtered; ordered by decreasing p. */
  candidates(filter: { caption?: number; image?: number; clusterId?: number; unreviewedOnly?: boolean; limit?: number; offset?: number } = {}): CandidateRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.caption != null) {
      where.push('k.caption_index = ?');
      args.push(filter.caption);
    }
    if (filter.image != null) {
      where.push('k.image_index = ?');
      args.push(filter.image);
    }
    if (filter.clusterId != null) {
      where.push('k.cluster_id = ?');
      args.push(filter.clusterId);
    }
    if (filter.unreviewedOnly) where.push(UNREVIEWED);
    const sql = `SELECT k.* FROM mining_candidates k ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY k.p DESC, k.rrf DESC LIMIT ? OFFSET ?`;
    args.push(filter.limit ?? -1, filter.offset ?? 0);
    return (this.db.prepare(sql).all(...args) as CandidateDbRow[]).map(toCandidate);
  }

  /** Every mined candidate's pair (no features: a cheap read), ordered as `candidateColumns`. */
  candidatePairs(): { n: number; image: Int32Array; caption: Int32Array } {
    const rows = this.db.prepare('SELECT image_index, caption_index FROM mining_candidates WHERE run_id != 0 ORDER BY caption_index, image_index').raw().all() as [number, number][];
    const n = rows.length;
    const image = new Int32Array(n);
    const caption = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      image[k] = rows[k][0];
      caption[k] = rows[k][1];
    }
    return { n, image, caption };
  }

  /** Every candidate's features, columnar (for the classifier and statistics). */
  candidateColumns(): StoredCandidates {
    // One read transaction: the count and the rows come from one snapshot, whatever another process writes.
    return this.db.transaction(() => this.readCandidateColumns())();
  }

  // A run's candidates and their features never change after it is saved; only p (each refit) and
  // the unit a pair belongs to (refits, units sent from a map selection) do. So the features are
  // kept from the first read of a run, and later reads fetch p and the unit alone: at 650,000
  // candidates (20,000 digits images) that is 1.1 s instead of 3.2 s, at every refit after a review
  // batch. The kept columns are shared between reads: callers must not write into them (p and
  // clusterId are fresh arrays each time).
  private kept: { key: string; cols: StoredCandidates } | null = null;

  private readCandidateColumns(): StoredCandidates {
    const run = this.latestRun();
    // Pairs a map selection added (run 0) have no mined features: the classifier and statistics skip them.
    const n = (this.db.prepare('SELECT COUNT(*) AS n FROM mining_candidates WHERE run_id != 0').get() as { n: number }).n;
    const key = run ? `${run.id} ${run.createdAt} ${n}` : '';
    if (run && this.kept?.key === key) {
      const fresh = this.readProbabilities(this.kept.cols);
      if (fresh) return fresh;
    }
    const cols = this.readAllColumns(run, n);
    this.kept = run ? { key, cols } : null;
    return { ...cols, p: cols.p.slice(), clusterId: cols.clusterId.slice() };
  }

  /** p and the unit of each of a run's candidates, on the kept features; null when the pairs are not the kept ones. */
  private readProbabilities(kept: StoredCandidates): StoredCandidates | null {
    const p = new Float32Array(kept.n);
    const clusterId = new Int32Array(kept.n);
    const st = this.db.prepare('SELECT image_index, caption_index, p, cluster_id FROM mining_candidates WHERE run_id != 0 ORDER BY caption_index, image_index');
    let k = 0;
    for (const row of st.raw().iterate() as IterableIterator<[number, number, number, number | null]>) {
      if (k >= kept.n || row[0] !== kept.image[k] || row[1] !== kept.caption[k]) return null;
      p[k] = row[2];
      clusterId[k] = row[3] ?? -1;
      k++;
    }
    return k === kept.n ? { ...kept, p, clusterId } : null;
  }

  private readAllColumns(run: MiningRun | null, n: number): StoredCandidates {
    const E = run?.spaces.length ?? 0;
    const out: StoredCandidates = {
      n,
      spaces: run?.spaces ?? [],
      image: new Int32Array(n),
      caption: new Int32Array(n),
      sources: new Int32Array(n),
      agreement: new Uint8Array(n),
      rrf: new Float32Array(n),
      zMean: new Float32Array(n),
      margin: new Float32Array(n),
      lev: new Uint8Array(n),
      tauImg: new Float32Array(n),
      tauTxt: new Float32Array(n),
      prior: new Float32Array(n),
      p: new Float32Array(n),
      scores: new Float32Array(n * E),
      ranks: new Int32Array(n * E * 2),
      clusterId: new Int32Array(n),
    };
    // Rows are streamed as arrays (no object per row, none held), and each row's blobs are copied
    // into the columns' bytes: at 650,000 candidates (20,000 digits images) this read is what every
    // refit after a review batch starts with.
    const scoreBytes = Buffer.from(out.scores.buffer, out.scores.byteOffset, out.scores.byteLength);
    const rankBytes = Buffer.from(out.ranks.buffer, out.ranks.byteOffset, out.ranks.byteLength);
    const st = this.db.prepare(
      'SELECT image_index, caption_index, sources, agreement, rrf, z_mean, margin, lev, tau_img, tau_txt, prior, p, cluster_id, scores, ranks FROM mining_candidates WHERE run_id != 0 ORDER BY caption_index, image_index',
    );
    let k = 0;
    for (const row of st.raw().iterate() as IterableIterator<[number, number, number, number, number, number, number, number, number, number, number, number, number | null, Buffer, Buffer]>) {
      out.image[k] = row[0];
      out.caption[k] = row[1];
      out.sources[k] = row[2];
      out.agreement[k] = row[3];
      out.rrf[k] = row[4];
      out.zMean[k] = row[5];
      out.margin[k] = row[6];
      out.lev[k] = row[7];
      out.tauImg[k] = row[8];
      out.tauTxt[k] = row[9];
      out.prior[k] = row[10];
      out.p[k] = row[11];
      out.clusterId[k] = row[12] ?? -1;
      if (E) {
        row[13].copy(scoreBytes, k * E * 4, 0, E * 4);
        row[14].copy(rankBytes, k * E * 8, 0, E * 8);
      }
      k++;
    }
    return out;
  }

  /** Writes new probabilities (same order as `image`/`caption`), in one transaction. */
  updateProbabilities(image: ArrayLike<number>, caption: ArrayLike<number>, p: ArrayLike<number>): void {
    const st = this.db.prepare('UPDATE mining_candidates SET p = ? WHERE caption_index = ? AND image_index = ?');
    const tx = this.db.transaction(() => {
      for (let k = 0; k < p.length; k++) st.run(p[k], caption[k], image[k]);
    });
    tx();
  }

  // ---- review units ----

  clusters(opts: { limit?: number; offset?: number; pendingOnly?: boolean } = {}): ClusterRow[] {
    const pending = opts.pendingOnly ? `WHERE EXISTS (SELECT 1 FROM mining_candidates k WHERE k.cluster_id = c.id AND ${UNREVIEWED})` : '';
    const rows = this.db.prepare(`SELECT c.* FROM mining_clusters c ${pending} ORDER BY c.run_id = 0 DESC, c.position LIMIT ? OFFSET ?`).all(opts.limit ?? -1, opts.offset ?? 0) as ClusterDbRow[];
    return rows.map(toCluster);
  }

  cluster(id: number): ClusterRow | null {
    const r = this.db.prepare('SELECT * FROM mining_clusters WHERE id = ?').get(id) as ClusterDbRow | undefined;
    return r ? toCluster(r) : null;
  }

  /** The first unit in queue order that still has an unreviewed pair. */
  nextCluster(): ClusterRow | null {
    return this.clusters({ limit: 1, pendingOnly: true })[0] ?? null;
  }

  /** How many units still have an unreviewed pair (what `clusters({ pendingOnly: true })` would list, counted in SQL). */
  countPendingClusters(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM mining_clusters c WHERE EXISTS (SELECT 1 FROM mining_candidates k WHERE k.cluster_id = c.id AND ${UNREVIEWED})`).get() as { n: number }).n;
  }

  countClusters(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM mining_clusters').get() as { n: number }).n;
  }

  /** Rewrites queue positions and priorities (after a classifier refit). */
  updateQueue(rows: readonly { id: number; position: number; servedBy: ServedBy; priority: number; expectedValid: number; uncertainty: number; costSeconds: number }[]): void {
    const st = this.db.prepare('UPDATE mining_clusters SET position = ?, served_by = ?, priority = ?, expected_valid = ?, uncertainty = ?, cost_seconds = ? WHERE id = ?');
    const tx = this.db.transaction(() => {
      for (const r of rows) st.run(r.position, r.servedBy, r.priority, r.expectedValid, r.uncertainty, r.costSeconds, r.id);
    });
    tx();
  }

  // ---- decisions ----

  /** Records one decision or a batch (a whole row or column) in one transaction; durable on return. */
  record(input: DecisionInput | readonly DecisionInput[]): ReviewDecision[] {
    const list = Array.isArray(input) ? (input as readonly DecisionInput[]) : [input as DecisionInput];
    if (!list.length) return [];
    for (const d of list) {
      if (!Number.isInteger(d.image) || d.image < 0) throw new RangeError(`image ${d.image} is not a valid index`);
      if (!Number.isInteger(d.caption) || d.caption < 0) throw new RangeError(`caption ${d.caption} is not a valid index`);
      if (!isReviewLabel(d.label)) throw new RangeError(`label ${JSON.stringify(d.label)} is not one of 1, 2, 3, 4, invalid_image, invalid_caption`);
      if (typeof d.reviewer !== 'string' || !d.reviewer.trim()) throw new RangeError('a reviewer name is required');
      if (d.seconds != null && !(Number.isFinite(d.seconds) && d.seconds >= 0)) throw new RangeError(`seconds ${d.seconds} is not a non-negative number`);
    }
    const insert = this.db.prepare('INSERT INTO review_decisions(batch, image_index, caption_index, label, reviewer, seconds, cluster_id, at, session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const tx = this.db.transaction(() => {
      const batch = ((this.db.prepare('SELECT MAX(batch) AS b FROM review_decisions').get() as { b: number | null }).b ?? 0) + 1;
      const at = new Date().toISOString();
      return list.map((d) => {
        const id = Number(insert.run(batch, d.image, d.caption, String(d.label), d.reviewer.trim(), d.seconds ?? null, d.clusterId ?? null, at, this.session).lastInsertRowid);
        return { id, batch, image: d.image, caption: d.caption, label: d.label, reviewer: d.reviewer.trim(), seconds: d.seconds ?? null, clusterId: d.clusterId ?? null, at, undone: false };
      });
    });
    return tx();
  }

  /** Takes back this session's last batch still in effect; returns its decisions (empty when none). */
  undo(): ReviewDecision[] {
    const tx = this.db.transaction(() => {
      const r = this.db.prepare('SELECT MAX(batch) AS b FROM review_decisions WHERE undone = 0 AND session = ?').get(this.session) as { b: number | null };
      if (r.b == null) return [];
      const rows = this.db.prepare('SELECT * FROM review_decisions WHERE batch = ? ORDER BY id').all(r.b) as DecisionDbRow[];
      this.db.prepare('UPDATE review_decisions SET undone = 1 WHERE batch = ?').run(r.b);
      return rows.map((x) => ({ ...toDecision(x), undone: true }));
    });
    return tx();
  }

  /** When this session's last batch still in effect was recorded (ISO), or null. */
  lastBatchAt(): string | null {
    const r = this.db.prepare('SELECT at FROM review_decisions WHERE undone = 0 AND session = ? ORDER BY id DESC LIMIT 1').get(this.session) as { at: string } | undefined;
    return r?.at ?? null;
  }

  canUndo(): boolean {
    return this.db.prepare('SELECT 1 FROM review_decisions WHERE undone = 0 AND session = ? LIMIT 1').get(this.session) !== undefined;
  }

  /** Every decision, oldest first (undone ones only when asked). */
  decisions(opts: { includeUndone?: boolean } = {}): ReviewDecision[] {
    const rows = this.db.prepare(`SELECT * FROM review_decisions ${opts.includeUndone ? '' : 'WHERE undone = 0'} ORDER BY id`).all() as DecisionDbRow[];
    return rows.map(toDecision);
  }

  /** The decision in effect per pair: the latest one not undone. */
  effectiveDecisions(): ReviewDecision[] {
    return (this.db.prepare(`${EFFECTIVE} ORDER BY d.id`).all() as DecisionDbRow[]).map(toDecision);
  }

  /** The decision in effect for one pair, or null. */
  decisionFor(image: number, caption: number): ReviewDecision | null {
    const r = this.db
      .prepare('SELECT * FROM review_decisions WHERE caption_index = ? AND image_index = ? AND undone = 0 ORDER BY id DESC LIMIT 1')
      .get(caption, image) as DecisionDbRow | undefined;
    return r ? toDecision(r) : null;
  }

  countDecisions(): { decisions: number; pairs: number } {
    const a = this.db.prepare('SELECT COUNT(*) AS n FROM review_decisions WHERE undone = 0').get() as { n: number };
    const b = this.db.prepare('SELECT COUNT(*) AS n FROM (SELECT 1 FROM review_decisions WHERE undone = 0 GROUP BY caption_index, image_index)').get() as { n: number };
    return { decisions: a.n, pairs: b.n };
  }

  // ---- imported positives ----

  /** Replaces the pairs of `source` (a file name) in one transaction. */
  setExtraPositives(source: string, pairs: ReadonlyArray<readonly [number, number, number]>): void {
    const st = this.db.prepare('INSERT OR REPLACE INTO review_extra_positives(source, image_index, caption_index, label) VALUES (?, ?, ?, ?)');
    const tx = this.db.transaction(() => {
      this.db.prepare('DELETE FROM review_extra_positives WHERE source = ?').run(source);
      for (const [image, caption, label] of pairs) st.run(source, image, caption, label);
    });
    tx();
  }

  removeExtraPositives(source: string): void {
    this.db.prepare('DELETE FROM review_extra_positives WHERE source = ?').run(source);
  }

  extraPositives(): ExtraPositive[] {
    const rows = this.db.prepare('SELECT source, image_index, caption_index, label FROM review_extra_positives ORDER BY source, caption_index, image_index').all() as {
      source: string;
      image_index: number;
      caption_index: number;
      label: number;
    }[];
    return rows.map((r) => ({ source: r.source, image: r.image_index, caption: r.caption_index, label: r.label }));
  }

  extraSources(): { source: string; pairs: number }[] {
    return this.db.prepare('SELECT source, COUNT(*) AS pairs FROM review_extra_positives GROUP BY source ORDER BY source').all() as { source: string; pairs: number }[];
  }
}
