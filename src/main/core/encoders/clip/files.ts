// Small file helpers shared by the pretrained-model encoders (CLIP/SigLIP and TensorFlow.js):
// hashing model files and L2-normalising rows.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';

/**
 * sha256 (hex) over the given files in the given order: each file contributes its path relative to
 * `root` (so renaming a file changes the hash) and its bytes. Streams, so multi-GB weights are fine.
 * Results are remembered per (file list, sizes, mtimes) for the life of the process.
 */
export async function hashFiles(root: string, files: string[]): Promise<string> {
  const stamp = files
    .map((f) => {
      const st = statSync(f);
      return `${f}\0${st.size}\0${st.mtimeMs}`;
    })
    .join('\n');
  const hit = hashMemo.get(stamp);
  if (hit) return hit;
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${path.relative(root, f).split(path.sep).join('/')}\0`);
    await new Promise<void>((resolve, reject) => {
      const s = createReadStream(f);
      s.on('data', (chunk) => h.update(chunk));
      s.on('end', () => resolve());
      s.on('error', reject);
    });
    h.update('\0');
  }
  const digest = h.digest('hex');
  hashMemo.set(stamp, digest);
  return digest;
}

const hashMemo = new Map<string, string>();

/** L2-normalises `rows` rows of `dims` in place; all-zero rows stay zero. */
export function l2NormalizeRows(data: Float32Array, dims: number): void {
  const rows = dims === 0 ? 0 : data.length / dims;
  for (let r = 0; r < rows; r++) {
    const o = r * dims;
    let s = 0;
    for (let j = 0; j < dims; j++) s += data[o + j] * data[o + j];
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < dims; j++) data[o + j] *= inv;
    }
  }
}

/** True when every value is finite. */
export function allFinite(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return false;
  return true;
}
