// The projection cache of a project: one `projection-<key>.f32` file (interleaved x,y, images
// first) per dataset hash × space × parameters, with a `.json` beside it (seconds, kNN summary,
// provenance). Written as temp + rename, so a killed run never leaves a half file.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Projection } from '../../../shared/api.js';
import type { UmapParams } from '../projection/umap.js';

export interface ProjectionKey {
  datasetHash: string;
  spaceId: string;
  params: UmapParams;
  method: 'umap' | 'pca';
}

export interface StoredProjectionMeta {
  seconds: number;
  knn?: Projection['knn'];
}

export class ProjectionStore {
  constructor(readonly dir: string) {}

  /** The cache key; version 3 of the layout (older files are simply not found). */
  key(k: ProjectionKey): string {
    return createHash('sha256').update(JSON.stringify({ h: k.datasetHash, space: k.spaceId, params: k.params, method: k.method, v: 3 })).digest('hex').slice(0, 16);
  }

  file(key: string): string {
    return join(this.dir, `projection-${key}.f32`);
  }

  /** The stored layout of `points` points, or null when absent or of another size. */
  read(key: string, points: number): { xy: Float32Array; meta: StoredProjectionMeta } | null {
    const file = this.file(key);
    if (!existsSync(file) || statSync(file).size !== points * 8) return null;
    const buf = readFileSync(file);
    const xy = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as StoredProjectionMeta;
    return { xy, meta };
  }

  write(key: string, xy: Float32Array, meta: StoredProjectionMeta & Record<string, unknown>): void {
    const file = this.file(key);
    writeFileSync(`${file}.tmp`, Buffer.from(xy.buffer, xy.byteOffset, xy.byteLength));
    writeFileSync(`${file}.json`, JSON.stringify(meta));
    renameSync(`${file}.tmp`, file);
  }
}
