// One model of pair labels. A flag clicked in Inspect, a lasso selection's flags, a review key
// (ECCV 1–4 or an invalid item) and an imported positive are all the same kind of record here,
// read through one SQL view (`pair_labels`) over the project store's tables. Every consumer (the
// flag list, the review grid, the verified positives of Metrics and `mlens eval`, mining's refit,
// the multi-positive head, the export) reads labels through this file, so a label made anywhere
// counts everywhere.
import type { Db } from '../store/sqlite.js';
import { ensureReviewSchema, type ReviewLabel } from '../review/review_store.js';
import type { Flag, FlagLabel, FlagSource, FlagTarget } from '../../../shared/flags.js';
import type { ExportPreview, LabelSource, PairLabel, LabelKind } from '../../../shared/labels.js';

export type { LabelSource, PairLabel, LabelKind } from '../../../shared/labels.js';

// Flags that are active, review decisions in effect (latest per pair, not undone), and imported
// positives, with the same columns. Times are ISO strings, so they sort as text.
const VIEW = `
  CREATE VIEW IF NOT EXISTS pair_labels AS
  SELECT 'flag:' || f.id AS key, 'flag' AS kind, f.target AS target, f.image_index AS image_index, f.caption_index AS caption_index,
         f.modality AS modality, NULL AS scale, f.label AS flag, f.note AS note, f.who AS who, f.created_at AS at,
         f.source AS source, f.provenance AS provenance, f.annotated AS annotated
    FROM flags f WHERE f.active = 1
  UNION ALL
  SELECT 'review:' || d.id, 'review', 'pair', d.image_index, d.caption_index, NULL,
         CASE WHEN d.label IN ('1', '2', '3', '4') THEN CAST(d.label AS INTEGER) END,
         CASE WHEN d.label IN ('invalid_image', 'invalid_caption') THEN d.label END,
         '', d.reviewer, d.at, 'review', CASE WHEN d.cluster_id IS NULL THEN NULL ELSE 'unit ' || d.cluster_id END, NULL
    FROM review_decisions d
    JOIN (SELECT MAX(id) AS id FROM review_decisions WHERE undone = 0 GROUP BY caption_index, image_index) m ON d.id = m.id
  UNION ALL
  SELECT 'import:' || x.source || ':' || x.caption_index || ':' || x.image_index, 'import', 'pair', x.image_index, x.caption_index, NULL,
         CASE WHEN x.label BETWEEN 1 AND 4 THEN x.label END, NULL, '', NULL, NULL, 'import', x.source, NULL
    FROM review_extra_positives x
`;

// Each part of the view (flags, review decisions, imports) carries a version that triggers bump
// on every insert, update or delete of its table, from any connection, so a read can tell which
// parts changed since it last read them. A store holding 363,170 flags (a same-text acceptance on
// 20,000 digits images) takes seconds to read; the refit after each review batch, the review
// grid, Metrics and the flag list read the labels again and again, and now read only the part
// that changed.
const PARTS = [
  { kind: 'flag', table: 'flags' },
  { kind: 'review', table: 'review_decisions' },
  { kind: 'import', table: 'review_extra_positives' },
] as const satisfies readonly { kind: LabelKind; table: string }[];

const VERSIONS = `
  CREATE TABLE IF NOT EXISTS label_versions (part TEXT PRIMARY KEY, v INTEGER NOT NULL);
  INSERT OR IGNORE INTO label_versions (part, v) VALUES ${PARTS.map((x) => `('${x.kind}', 0)`).join(', ')};
  ${PARTS.map((x) =>
    (['INSERT', 'UPDATE', 'DELETE'] as const)
      .map((op) => `CREATE TRIGGER IF NOT EXISTS label_version_${x.kind}_${op.toLowerCase()} AFTER ${op} ON ${x.table} BEGIN UPDATE label_versions SET v = v + 1 WHERE part = '${x.kind}'; END;`)
      .join('\n  '),
  ).join('\n  ')}
`;

/** Creates the review tables, the view and the parts' versions (idempotent). The flags table comes from ProjectStore. */
export function ensureLabelModel(db: Db): void {
  if (ensured.has(db)) return;
  ensureReviewSchema(db);
  db.exec(VIEW);
  if (!db.readonly) db.exec(VERSIONS);
  ensured.add(db);
}
const ensured = new WeakSet<Db>();

const COLUMNS = ['key', 'kind', 'target', 'image_index', 'caption_index', 'modality', 'scale', 'flag', 'note', 'who', 'at', 'source', 'provenance', 'annotated'] as const;
type RawRow = [string, LabelKind, 'pair' | 'item', number | null, number | null, 'image' | 'caption' | null, number | null, string | null, string | null, string | null, string | null, LabelSource, string | null, number | null];

function fromRaw(r: RawRow): PairLabel {
  const [key, kind, target, image, caption, modality, scale, flag, note, who, at, source, provenance, annotated] = r;
  return Object.freeze({
    key,
    kind,
    target,
    image: target === 'item' && modality === 'caption' ? null : image,
    caption: target === 'item' && modality === 'image' ? null : caption,
    scale: scale == null ? null : (scale as 1 | 2 | 3 | 4),
    flag: flag as PairLabel['flag'],
    note: note ?? '',
    who,
    at,
    source,
    provenance,
    annotated: annotated == null ? null : annotated === 1,
  });
}

/** The view's order: imports (no time) first, then by time, ties by key. SQLite compares text bytewise; these are ASCII. */
function before(a: PairLabel, b: PairLabel): boolean {
  if ((a.at == null) !== (b.at == null)) return a.at == null;
  if (a.at !== b.at) return (a.at ?? '') < (b.at ?? '');
  return a.key < b.key;
}

interface PartCache {
  version: number;
  labels: readonly PairLabel[];
}
const partCache = new WeakMap<Db, Map<LabelKind, PartCache>>();

function readPart(db: Db, kind: LabelKind, version: number | undefined): readonly PairLabel[] {
  let parts = partCache.get(db);
  if (!parts) partCache.set(db, (parts = new Map()));
  const hit = parts.get(kind);
  if (hit && version !== undefined && hit.version === version) return hit.labels;
  const rows = db
    .prepare(`SELECT ${COLUMNS.join(', ')} FROM pair_labels WHERE kind = ? ORDER BY at IS NOT NULL, at, key`)
    .raw()
    .all(kind) as RawRow[];
  const labels = rows.map(fromRaw);
  if (version !== undefined) parts.set(kind, { version, labels });
  return labels;
}

/**
 * Every label in effect, oldest first (imports, which carry no time, come first). Labels are
 * frozen and shared between reads (a part is read again only when its table changed); the array
 * is the caller's own.
 */
export function readLabels(db: Db, opts: { kinds?: readonly LabelKind[] } = {}): PairLabel[] {
  ensureLabelModel(db);
  const kinds = opts.kinds ?? ['flag', 'review', 'import'];
  // A read-only store opened before the versions existed has none: it is read whole every time.
  const hasVersions = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'label_versions'").get() !== undefined;
  const versions = new Map(hasVersions ? (db.prepare('SELECT part, v FROM label_versions').raw().all() as [LabelKind, number][]) : []);
  const lists = PARTS.filter((x) => kinds.includes(x.kind)).map((x) => readPart(db, x.kind, versions.get(x.kind)));
  return mergeSorted(lists);
}

/** Merges lists each in the view's order into one in that order. */
function mergeSorted(lists: readonly (readonly PairLabel[])[]): PairLabel[] {
  const live = lists.filter((l) => l.length);
  if (live.length === 0) return [];
  if (live.length === 1) return live[0].slice();
  const out: PairLabel[] = new Array(live.reduce((a, l) => a + l.length, 0));
  const at = new Array<number>(live.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let best = -1;
    for (let i = 0; i < live.length; i++) if (at[i] < live[i].length && (best < 0 || before(live[i][at[i]], live[best][at[best]]))) best = i;
    out[o] = live[best][at[best]++];
  }
  return out;
}

export type LabelCounts = ExportPreview;

/** What an export would hold, by kind (the app shows it before writing). */
export function countLabels(labels: readonly PairLabel[]): LabelCounts {
  const out: LabelCounts = { total: labels.length, bySource: { click: 0, lasso: 0, review: 0, import: 0, rule: 0 }, flags: {}, reviews: {}, imports: 0 };
  for (const l of labels) {
    out.bySource[l.source]++;
    if (l.kind === 'flag') out.flags[l.flag as FlagLabel] = (out.flags[l.flag as FlagLabel] ?? 0) + 1;
    else if (l.kind === 'review') {
      const k = String(l.scale ?? l.flag);
      out.reviews[k] = (out.reviews[k] ?? 0) + 1;
    } else out.imports++;
  }
  return out;
}

/** What a label says about its pair: valid, not valid, or nothing (ambiguous, item labels). */
export type PairVerdict = 'valid' | 'not_valid' | null;

/**
 * ECCV 1 (and 2 unless strict) and a false-negative flag say valid; 3–4 and a wrong-annotation
 * flag say not valid. Review 2 under strict says neither (ECCV's strict_pos leaves it out).
 */
export function verdictOf(l: PairLabel, strict = false): PairVerdict {
  if (l.target !== 'pair') return null;
  if (l.kind === 'flag') return l.flag === 'false_negative' ? 'valid' : l.flag === 'wrong_annotation' ? 'not_valid' : null;
  if (l.scale == null) return l.kind === 'import' ? 'valid' : null;
  if (l.scale === 1 || (l.scale === 2 && !strict)) return 'valid';
  if (l.scale === 3 || l.scale === 4) return 'not_valid';
  return null;
}

export interface PairJudgement {
  image: number;
  caption: number;
  verdict: Exclude<PairVerdict, null>;
  /** The label that decided it (the latest one with a verdict on the pair). */
  label: PairLabel;
}

/**
 * Per pair, the latest label with a verdict decides (a review after a flag overrides it, and
 * the other way round); imports, which have no time, yield to any review or flag.
 */
export function pairJudgements(labels: readonly PairLabel[], strict = false): PairJudgement[] {
  const latest = new Map<string, PairJudgement>();
  for (const l of labels) {
    const v = verdictOf(l, strict);
    if (v == null || l.image == null || l.caption == null) continue;
    const key = `${l.caption}:${l.image}`;
    const prev = latest.get(key);
    if (prev && (l.at ?? '') < (prev.label.at ?? '')) continue;
    latest.set(key, { image: l.image, caption: l.caption, verdict: v, label: l });
  }
  return [...latest.values()];
}

/** Review-scale view of the judgements, for the classifier and the queue (1 valid, 0 not). */
export function judgementIndex(labels: readonly PairLabel[], nImages: number, strict = false): Map<number, 0 | 1> {
  const out = new Map<number, 0 | 1>();
  for (const j of pairJudgements(labels, strict)) if (j.image < nImages) out.set(j.caption * nImages + j.image, j.verdict === 'valid' ? 1 : 0);
  return out;
}

/** Items marked invalid, by a review key on a pair or an invalid-item flag on the item. */
export function invalidItems(labels: readonly PairLabel[]): { images: Set<number>; captions: Set<number> } {
  const images = new Set<number>();
  const captions = new Set<number>();
  for (const l of labels) {
    if (l.flag === 'invalid_image' && l.image != null) images.add(l.image);
    else if (l.flag === 'invalid_caption' && l.caption != null) captions.add(l.caption);
    else if (l.flag === 'invalid_item' && l.target === 'item') {
      if (l.image != null) images.add(l.image);
      else if (l.caption != null) captions.add(l.caption);
    }
  }
  return { images, captions };
}

/** The review label a review-kind label was made with (for the grid). */
export function reviewLabelOf(l: PairLabel): ReviewLabel | null {
  if (l.kind !== 'review') return null;
  return l.scale ?? (l.flag as ReviewLabel | null);
}

/**
 * Per labelled pair (key caption·nImages + image), what the classifier and the queue learn:
 * 1 valid, 0 not valid, −1 labelled without a verdict (an invalid item, ambiguous). Under strict,
 * a review 2 counts as not valid, as the classifier has always treated it.
 */
export function pairTraining(labels: readonly PairLabel[], nImages: number, strict = false): Map<number, -1 | 0 | 1> {
  const out = new Map<number, -1 | 0 | 1>();
  for (const l of labels) {
    if (l.kind === 'import' || l.target !== 'pair' || l.image == null || l.caption == null || l.image >= nImages) continue;
    const key = l.caption * nImages + l.image;
    if (!out.has(key)) out.set(key, strict && l.scale === 2 ? 0 : -1);
  }
  for (const j of pairJudgements(labels, strict)) {
    if (j.label.kind === 'import' || j.image >= nImages) continue;
    out.set(j.caption * nImages + j.image, j.verdict === 'valid' ? 1 : 0);
  }
  return out;
}

/** A flag label as the flag list shows it (Inspect, the side list); ordered by flag id. */
export function flagsOf(labels: readonly PairLabel[]): Flag[] {
  const out: Flag[] = [];
  for (const l of labels) {
    if (l.kind !== 'flag') continue;
    const target: FlagTarget =
      l.target === 'pair' ? { kind: 'pair', image: l.image!, caption: l.caption! } : l.image != null ? { kind: 'item', modality: 'image', index: l.image } : { kind: 'item', modality: 'caption', index: l.caption! };
    out.push({
      id: Number(l.key.slice('flag:'.length)),
      target,
      label: l.flag as FlagLabel,
      note: l.note,
      createdAt: l.at ?? '',
      annotated: l.annotated,
      source: l.source as FlagSource,
      provenance: l.provenance,
      who: l.who,
    });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** The active flags as the flag list shows them (labels.listFlags, labels.flagTable, the `flags` event). */
export function readFlags(db: Db): Flag[] {
  return flagsOf(readLabels(db, { kinds: ['flag'] }));
}
