// Flags in columns, for the trip from main to the renderer. A same-text acceptance on 20,000
// digits images makes 363,170 flags: as JSON objects that is 95 MB per `flags` event, which took
// the app tens of seconds to list. Here each field is a typed array (raw bytes on the WebSocket's
// binary frames and in Electron's structured clone) and the strings (note, time, provenance, who)
// are a dictionary, since a batch shares them. Nothing is lost: unpackFlags gives back the flags
// that packFlags was given, in the same order.
import { FLAG_LABELS, FLAG_SOURCES, type Flag, type FlagTarget } from './flags.js';

export interface FlagTable {
  id: Int32Array;
  /** 0 a pair, 1 an image item, 2 a caption item. */
  kind: Uint8Array;
  /** The pair's image, or the item's index. */
  a: Int32Array;
  /** The pair's caption; −1 for an item. */
  b: Int32Array;
  /** Index into FLAG_LABELS. */
  label: Uint8Array;
  /** Index into FLAG_SOURCES; 255 when the flag has none. */
  source: Uint8Array;
  /** 0 not annotated, 1 annotated, 2 unknown (null). */
  annotated: Uint8Array;
  /** Indices into `strings`; −1 for null (provenance, who) or absent. */
  note: Int32Array;
  createdAt: Int32Array;
  provenance: Int32Array;
  who: Int32Array;
  strings: string[];
}

const NO_SOURCE = 255;

export function packFlags(flags: readonly Flag[]): FlagTable {
  const n = flags.length;
  const t: FlagTable = {
    id: new Int32Array(n),
    kind: new Uint8Array(n),
    a: new Int32Array(n),
    b: new Int32Array(n),
    label: new Uint8Array(n),
    source: new Uint8Array(n),
    annotated: new Uint8Array(n),
    note: new Int32Array(n),
    createdAt: new Int32Array(n),
    provenance: new Int32Array(n),
    who: new Int32Array(n),
    strings: [],
  };
  const dict = new Map<string, number>();
  const str = (s: string | null | undefined): number => {
    if (s == null) return -1;
    let k = dict.get(s);
    if (k === undefined) {
      k = t.strings.length;
      t.strings.push(s);
      dict.set(s, k);
    }
    return k;
  };
  for (let i = 0; i < n; i++) {
    const f = flags[i];
    t.id[i] = f.id;
    if (f.target.kind === 'pair') {
      t.kind[i] = 0;
      t.a[i] = f.target.image;
      t.b[i] = f.target.caption;
    } else {
      t.kind[i] = f.target.modality === 'image' ? 1 : 2;
      t.a[i] = f.target.index;
      t.b[i] = -1;
    }
    const label = FLAG_LABELS.indexOf(f.label);
    if (label < 0) throw new Error(`flag ${f.id}: unknown label ${JSON.stringify(f.label)}`);
    t.label[i] = label;
    const source = f.source === undefined ? NO_SOURCE : FLAG_SOURCES.indexOf(f.source);
    if (source < 0) throw new Error(`flag ${f.id}: unknown source ${JSON.stringify(f.source)}`);
    t.source[i] = source;
    t.annotated[i] = f.annotated == null ? 2 : f.annotated ? 1 : 0;
    t.note[i] = str(f.note);
    t.createdAt[i] = str(f.createdAt);
    // undefined (a flag made before provenance existed) and null both travel as −1 and come back as null.
    t.provenance[i] = str(f.provenance);
    t.who[i] = str(f.who);
  }
  return t;
}

/** Checks that a table's columns line up (a table from the wire is not trusted blindly). */
export function flagTableSize(t: FlagTable): number {
  const n = t.id.length;
  for (const col of [t.kind, t.a, t.b, t.label, t.source, t.annotated, t.note, t.createdAt, t.provenance, t.who]) {
    if (col.length !== n) throw new Error(`flag table: columns of ${n} and ${col.length} rows`);
  }
  return n;
}

export function unpackFlags(t: FlagTable): Flag[] {
  const n = flagTableSize(t);
  const s = (k: number): string | null => (k < 0 ? null : (t.strings[k] ?? null));
  const out: Flag[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const kind = t.kind[i];
    const target: FlagTarget = kind === 0 ? { kind: 'pair', image: t.a[i], caption: t.b[i] } : { kind: 'item', modality: kind === 1 ? 'image' : 'caption', index: t.a[i] };
    const flag: Flag = {
      id: t.id[i],
      target,
      label: FLAG_LABELS[t.label[i]],
      note: s(t.note[i]) ?? '',
      createdAt: s(t.createdAt[i]) ?? '',
      annotated: t.annotated[i] === 2 ? null : t.annotated[i] === 1,
      provenance: s(t.provenance[i]),
      who: s(t.who[i]),
    };
    if (t.source[i] !== NO_SOURCE) flag.source = FLAG_SOURCES[t.source[i]];
    out[i] = flag;
  }
  return out;
}
