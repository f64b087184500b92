// Shapes of the map's tools that cross the API: item search, per-item values for colouring, and
// the browser-mode folder browser. Pure types.

export interface SearchHit {
  kind: 'image' | 'caption';
  index: number;
  /** The caption text, or the image's file path. */
  text: string;
  /** The dataset's own id of the item. */
  id: string;
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  /** Matches found before the limit cut the list (hits.length when nothing was cut). */
  total: number;
  limit: number;
}

/** A numeric value per item that the map can colour by. */
export interface ItemValueColumn {
  id: string;
  /** Human name, shown in the colour-by menu and on the scale. */
  name: string;
  /** Per image (item order); NaN where the value does not apply. */
  image: Float32Array;
  /** Per caption (item order); NaN where the value does not apply. */
  caption: Float32Array;
}

export interface DirectoryEntry {
  name: string;
  /** Absolute path (realpath) of the entry. */
  path: string;
  /** The folder looks like a dataset (captions.jsonl, a COCO or Karpathy file, or embeddings/). */
  dataset: boolean;
}

export interface DirectoryListing {
  /** The folder listed, as a real absolute path. */
  path: string;
  /** Its parent when the parent is still inside an allowed root, else null. */
  parent: string | null;
  /** Sub-folders (hidden ones left out), sorted by name. */
  folders: DirectoryEntry[];
  /** This folder itself looks like a dataset. */
  dataset: boolean;
  /** The folders the server lets the browser see. */
  roots: string[];
  /** More sub-folders existed than were listed. */
  truncated: boolean;
}
