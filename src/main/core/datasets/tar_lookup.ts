// Images that a table names but that live inside WebDataset shards of the same folder: clip-retrieval
// run on img2dataset's `webdataset` output writes each row's `image_path` as the sample's key
// (`000000012`) or as the member's name (`000000012.jpg`), with the `NNNNN.tar` shards beside the
// metadata. When a table's image path is not a file, the shards are indexed once (headers only,
// io/tar_index.ts) and the image is found by member name, else by key (the member's name without
// its image extension); it then has the virtual path `NNNNN.tar#000000012.jpg` (tar_member.ts).
import path from 'node:path';
import { indexTarFile } from '../io/tar_index.js';
import { memberPath } from './tar_member.js';
import { findWebdatasetShards } from './webdataset.js';

const IMAGE_EXT = /\.(jpe?g|png|webp|avif|gif|tiff?)$/i;

export interface TarLookup {
  /** The virtual path of the image a table names by key or file name, or null when no shard holds it. */
  find(p: string): string | null;
  /** Shards indexed so far (0 until the first lookup). */
  readonly shards: number;
}

/** A lazy lookup over the folder's WebDataset shards (none: every lookup returns null at once). */
export function tarLookup(root: string): TarLookup {
  let byName: Map<string, string> | null = null;
  let byKey: Map<string, string> | null = null;
  let shards = 0;
  const build = (): void => {
    byName = new Map();
    byKey = new Map();
    for (const shard of findWebdatasetShards(root)) {
      let members;
      try {
        members = indexTarFile(path.join(root, ...shard.split('/'))).members;
      } catch {
        continue; // an unreadable shard holds nothing to find; the webdataset reader names its faults
      }
      shards++;
      for (const m of members) {
        if (!IMAGE_EXT.test(m.name)) continue;
        const v = memberPath(shard, m.name);
        const base = path.posix.basename(m.name);
        if (!byName.has(base)) byName.set(base, v);
        const key = base.replace(IMAGE_EXT, '');
        if (!byKey.has(key)) byKey.set(key, v);
      }
    }
  };
  return {
    find(p: string): string | null {
      if (!byName) build();
      const base = path.posix.basename(p.replace(/\\/g, '/'));
      if (!base) return null;
      return byName!.get(base) ?? (IMAGE_EXT.test(base) ? null : (byKey!.get(base) ?? null));
    },
    get shards() {
      return shards;
    },
  };
}
