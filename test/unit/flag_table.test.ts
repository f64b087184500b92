// Flags travel to the renderer in columns (shared/flag_table.ts): every field must come back as it
// was, and a same-text batch's shared strings travel once.
import { describe, expect, it } from 'vitest';
import { packFlags, unpackFlags } from '../../src/shared/flag_table.js';
import { decodeWire, encodeWire } from '../../src/shared/wire.js';
import type { Flag } from '../../src/shared/flags.js';

const flags: Flag[] = [
  { id: 3, target: { kind: 'pair', image: 4, caption: 9 }, label: 'false_negative', note: 'a dog too', createdAt: '2026-12-07T10:00:00.000Z', annotated: false, source: 'click', provenance: null, who: null },
  { id: 5, target: { kind: 'item', modality: 'image', index: 2 }, label: 'invalid_item', note: '', createdAt: '2026-12-07T10:00:01.000Z', annotated: null, source: 'lasso', provenance: 'selection 1', who: 'ana' },
  { id: 8, target: { kind: 'item', modality: 'caption', index: 0 }, label: 'ambiguous', note: 'ünïcode ✓', createdAt: '2026-12-07T10:00:02.000Z', annotated: null, source: 'import', provenance: 'flags.sqlite', who: null },
  { id: 9, target: { kind: 'pair', image: 0, caption: 0 }, label: 'wrong_annotation', note: '', createdAt: '', annotated: true, provenance: null, who: null },
];

describe('flag table', () => {
  it('gives back every field of every flag, in order, through the WebSocket encoding', () => {
    const back = unpackFlags(decodeWire(JSON.parse(JSON.stringify(encodeWire(packFlags(flags))))) as ReturnType<typeof packFlags>);
    expect(back).toEqual(flags);
    expect(back[3]).not.toHaveProperty('source');
  });

  it('stores a batch’s shared strings once', () => {
    const batch: Flag[] = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, target: { kind: 'pair', image: i, caption: i + 1 }, label: 'false_negative', note: '', createdAt: '2026-12-07T10:00:00.000Z', annotated: false, source: 'rule', provenance: 'same text', who: 'ana' }));
    const t = packFlags(batch);
    expect(t.strings).toEqual(['', '2026-12-07T10:00:00.000Z', 'same text', 'ana']);
    expect(unpackFlags(t)).toEqual(batch);
  });

  it('refuses a table whose columns do not line up', () => {
    const t = packFlags(flags);
    t.label = t.label.subarray(0, 2);
    expect(() => unpackFlags(t)).toThrow(/columns of 4 and 2 rows/);
  });
});
