// openDataset: detect the folder's format, read it, attach truth, positives and embeddings.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { DatasetFormat } from '../../../shared/dataset.js';
import { findCocoFiles, readCoco } from './coco.js';
import { FLICKR_FILES, findFlickrFiles, readFlickr } from './flickr.js';
import { findImg2datasetShards, readImg2dataset } from './img2dataset.js';
import { findWebdatasetShards, readWebdataset } from './webdataset.js';
import { findArrowTables, readArrowTables } from './arrow_tables.js';
import { loadEmbeddingShards } from './embedding_shards.js';
import { streamEmbeddingFiles, type StreamedEmbeddings } from './embedding_stream.js';
import { memoryBudgetBytes } from '../io/memory_budget.js';
import type { ColumnMap } from './parquet_rows.js';
import { findClipRetrieval, findParquetTables, readParquetTables } from './parquet_tables.js';
import { DatasetError, type Dataset, type Embeddings } from './dataset.js';
import { loadEmbeddings, safetensorsFiles, safetensorsShards } from './embeddings.js';
import { GENERIC_CAPTIONS, readGeneric } from './generic.js';
import { datasetHash } from './hash.js';
import { MAX_JSON_BYTES } from './jsonl.js';
import { KARPATHY_FILES, findKarpathyFiles, readKarpathy } from './karpathy.js';
import { makeResolver } from './paths.js';
import { POSITIVES_FILE, loadPositives } from './positives.js';
import { ProblemLog } from './problems.js';
import { checkImageFiles } from './image_check.js';
import type { Progress, ReadContext, ReaderResult } from './reader.js';
import { isFile } from './reader.js';
import { makeRefs } from './refs.js';
import { TRUTH_FILE, loadTruth } from './truth.js';

export type { Progress } from './reader.js';

export interface OpenOptions {
  onProgress?: (p: Progress) => void;
  /** Read the folder as this format instead of detecting it. */
  format?: DatasetFormat;
  /** Largest single .json file parsed (default MAX_JSON_BYTES, 512 MiB). */
  maxJsonBytes?: number;
  /** Which table columns hold the image, the caption and the split (Parquet tables). */
  columns?: ColumnMap;
  /**
   * An invalid line or record in captions.jsonl, truth.jsonl or positives.jsonl (or a caption
   * record of a COCO/Karpathy file) stops the open with a DatasetError naming file and line,
   * instead of being skipped and listed.
   */
  strict?: boolean;
  /**
   * Memory budget in MiB (default `MLENS_MEMORY_MB`, else from the machine's memory): embeddings
   * larger than it stay on disk and are read by row range (`Dataset.streamed`).
   */
  memoryMb?: number;
  /**
   * False: truth.jsonl is not parsed (it is still hashed, so caches keyed by the dataset stay the
   * same) and `truth` is null with `truthNotRead` set. For verbs whose output never depends on the
   * truth (export, import, spaces, encode, project): a 20,000-image digits world's 2.6 GB truth
   * takes 37 s to read.
   */
  readTruth?: boolean;
}

/** In strict mode, the first skipped record (an error Problem with a line) becomes fatal. */
function enforceStrict(log: ProblemLog, files: readonly string[]): void {
  const p = log.list.find((x) => x.severity === 'error' && x.line != null && files.includes(x.file));
  if (p) throw new DatasetError(`${p.message.replace(/; [^;]* (skipped|ignored)$/, '')} (strict mode: invalid lines are not skipped)`, p.file, p.line);
}

const LOOKED_FOR =
  `${GENERIC_CAPTIONS} (generic folder), ${KARPATHY_FILES.join(' / ')} (Karpathy split), ` +
  'annotations/captions_*.json (COCO captions), ' +
  `${FLICKR_FILES.join(' / ')} (Flickr30k / Flickr8k), numbered shard folders of KEY.jpg + KEY.txt (img2dataset), ` +
  'NNNNN.tar shards of KEY.jpg + KEY.txt (WebDataset), ' +
  'metadata/metadata_N.parquet with img_emb/ and text_emb/ (clip-retrieval), *.arrow / *.feather tables or a Hugging Face save_to_disk folder (state.json), ' +
  'or *.parquet / data/*.parquet caption tables';

interface Detected {
  format: DatasetFormat;
  files: string[];
  ignored: string[];
}

/** Which format a folder holds (generic > Karpathy > COCO > Flickr > img2dataset > WebDataset > clip-retrieval > Arrow > Parquet; clip-retrieval metadata over its own WebDataset shards reads as clip-retrieval), or null. */
export function detectFormat(root: string, force?: DatasetFormat): Detected | null {
  const generic = isFile(path.join(root, GENERIC_CAPTIONS)) ? [GENERIC_CAPTIONS] : [];
  const karpathy = findKarpathyFiles(root);
  const coco = findCocoFiles(root);
  const flickr = findFlickrFiles(root);
  const shards = findImg2datasetShards(root);
  // clip-retrieval metadata beside WebDataset shards indexes them (its image paths name their
  // members, table_rows.ts): the metadata and its embeddings are the dataset, the shards its images.
  const clip = findClipRetrieval(root);
  const tars = shards.length || clip.length ? [] : findWebdatasetShards(root);
  const all: Array<[DatasetFormat, string[]]> = [
    ['generic', generic],
    ['karpathy', karpathy],
    ['coco', coco],
    ['flickr', flickr],
    ['img2dataset', shards],
    ['webdataset', tars],
    ['clip-retrieval', clip],
    ['arrow', shards.length || tars.length ? [] : findArrowTables(root)],
    ['parquet', shards.length || tars.length ? [] : findParquetTables(root)],
  ];
  const pick = all.find(([f, files]) => files.length > 0 && (force == null || f === force));
  if (!pick) return null;
  const [format, files] = pick;
  const used = format === 'karpathy' || format === 'flickr' ? files.slice(0, 1) : files;
  // Shard folders are data, not a competing index: they are never listed as ignored.
  const ignored = all.flatMap(([f, fs]) => (f === 'img2dataset' || f === 'webdataset' || f === 'arrow' || f === 'parquet' ? [] : fs)).filter((f) => !used.includes(f));
  return { format, files: used, ignored };
}

export async function openDataset(dir: string, opts: OpenOptions = {}): Promise<Dataset> {
  const root = path.resolve(dir);
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new DatasetError('does not exist', root);
  }
  if (!st.isDirectory()) throw new DatasetError('is not a folder; open the dataset folder itself', root);

  const detected = detectFormat(root, opts.format);
  if (!detected) {
    if (opts.format) throw new DatasetError(`no ${opts.format} dataset here: looked for ${LOOKED_FOR}`, root);
    throw new DatasetError(`no dataset found: looked for ${LOOKED_FOR}`, root);
  }

  const log = new ProblemLog();
  const onProgress = opts.onProgress;
  const ctx: ReadContext = {
    root,
    resolve: makeResolver(root),
    log,
    progress: (phase, done, total) => onProgress?.({ phase, done, total }),
    maxJsonBytes: opts.maxJsonBytes ?? MAX_JSON_BYTES,
  };
  if (detected.ignored.length) {
    log.push({
      severity: 'warning',
      file: detected.ignored[0],
      message: `read the folder as ${detected.format} (${detected.files.join(', ')}); also present and ignored: ${detected.ignored.join(', ')}`,
    });
  }

  let read: ReaderResult;
  if (detected.format === 'generic') read = await readGeneric(ctx);
  else if (detected.format === 'karpathy') read = await readKarpathy(ctx, detected.files[0]);
  else if (detected.format === 'flickr') read = await readFlickr(ctx, detected.files[0]);
  else if (detected.format === 'img2dataset') read = await readImg2dataset(ctx, detected.files);
  else if (detected.format === 'webdataset') read = await readWebdataset(ctx, detected.files);
  else if (detected.format === 'arrow') read = await readArrowTables(ctx, detected.files, opts.columns);
  else if (detected.format === 'parquet' || detected.format === 'clip-retrieval') read = await readParquetTables(ctx, detected.files, detected.format, opts.columns);
  else read = await readCoco(ctx, detected.files);

  if (opts.strict) enforceStrict(log, read.indexFiles);
  const { images, captions } = read;
  const perImage = new Uint32Array(images.length);
  for (const c of captions) perImage[c.imageIndex]++;
  const lonely = perImage.reduce((n, k) => n + (k === 0 ? 1 : 0), 0);
  if (lonely) {
    const first = perImage.findIndex((k) => k === 0);
    log.push({ severity: 'warning', file: read.captionSource, message: `${lonely} image${lonely > 1 ? 's have' : ' has'} no caption (first: ${images[first].path})` });
  }

  checkImageFiles(root, images, log, (d, t) => ctx.progress('images', d, t));

  const refs = makeRefs(images, captions.length, read.captionRecord, read.recordCount, read.captionSource);
  const annotated = Int32Array.from(captions, (c) => c.imageIndex);
  const hasTruthFile = isFile(path.join(root, TRUTH_FILE));
  const truth = hasTruthFile && opts.readTruth !== false ? await loadTruth(root, refs, annotated, log, (d, t) => ctx.progress('truth', d, t)) : null;
  const positives = isFile(path.join(root, POSITIVES_FILE)) ? await loadPositives(root, refs, log, (d, t) => ctx.progress('positives', d, t)) : [];
  if (opts.strict) enforceStrict(log, [TRUTH_FILE, POSITIVES_FILE]);

  const counts = { images: images.length, captions: captions.length, captionRecord: read.captionRecord, recordCount: read.recordCount };
  const embProgress = (d: number, t: number): void => ctx.progress('embeddings', d, t);
  const budget = memoryBudgetBytes(opts.memoryMb);
  const streamedFiles = read.format === 'clip-retrieval' ? null : streamEmbeddingFiles(root, counts, log, budget, () => safetensorsShards(root));
  let emb: { embeddings: Embeddings | null; files: string[]; streamed?: StreamedEmbeddings } =
    read.format === 'clip-retrieval'
      ? loadEmbeddingShards(root, read.rowsPerFile ?? [], read.imageRecord ?? [], read.captionRecord, log, budget)
      : streamedFiles
        ? { embeddings: null, files: [...(streamedFiles.source.endsWith('.npy') ? ['embeddings/image.npy', 'embeddings/text.npy'] : safetensorsFiles(root).files.map((f) => `embeddings/${f}`)), ...['meta.json'].filter((f) => isFile(path.join(root, 'embeddings', f))).map((f) => `embeddings/${f}`)], streamed: streamedFiles }
        : loadEmbeddings(root, counts, log, embProgress);
  if (read.vectors && !emb.streamed) {
    // The table's vector columns are the space unless embedding files were given beside it.
    if (emb.embeddings) log.push({ severity: 'warning', file: read.indexFiles[0], message: `its vector columns (${read.vectors.source}) are ignored: ${emb.embeddings.source} is used` });
    else emb = { embeddings: read.vectors, files: emb.files };
  }

  ctx.progress('hash', 0, 1);
  const hashFiles = [...read.indexFiles, TRUTH_FILE, POSITIVES_FILE, ...emb.files];
  const fileHash = await datasetHash(root, hashFiles);
  const hash = read.contentDigest ? createHash('sha256').update(`${fileHash}\0${read.contentDigest}`).digest('hex').slice(0, 16) : fileHash;
  ctx.progress('hash', 1, 1);

  return {
    root,
    name: path.basename(root),
    format: read.format,
    images,
    captions,
    truth,
    ...(hasTruthFile && !truth ? { truthNotRead: true } : {}),
    positives,
    embeddings: emb.embeddings,
    streamed: emb.streamed ?? null,
    problems: log.finish(),
    hash,
  };
}
