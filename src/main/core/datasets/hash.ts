// Content hash of a dataset's index files (captions, truth, positives, embeddings): sha256, first 16 hex.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';

/**
 * sha256 (hex, first 16 chars) over the given dataset-relative files, in sorted order, each preceded
 * by its name and size so that renaming or moving bytes between files changes the hash. Files that do
 * not exist are skipped. Image files are not read: the hash is cheap and names the index, not pixels.
 */
export async function datasetHash(root: string, files: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const rel of [...new Set(files)].sort()) {
    const abs = path.join(root, rel);
    let size: number;
    try {
      const st = statSync(abs);
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue;
    }
    h.update(`${rel}\0${size}\0`);
    for await (const chunk of createReadStream(abs, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  }
  return h.digest('hex').slice(0, 16);
}
