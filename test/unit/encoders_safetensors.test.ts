// The .safetensors reader on hand-built files, good and broken.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors, readSafetensorsHeader, readSafetensorsSync, SafetensorsError } from '../../src/main/core/encoders/safetensors.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-st-');
afterAll(() => tmp.cleanup());

interface RawTensor {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/** Lays out a file; `header` edits the JSON header before it is written. */
function build(name: string, tensors: Record<string, RawTensor>, o: { header?: (h: Record<string, unknown>) => void; lengthOverride?: bigint; truncate?: number; rawHeader?: string } = {}): string {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let off = 0;
  const parts: Uint8Array[] = [];
  for (const [k, t] of Object.entries(tensors)) {
    header[k] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.bytes.length] };
    parts.push(t.bytes);
    off += t.bytes.length;
  }
  o.header?.(header);
  let hb = new TextEncoder().encode(o.rawHeader ?? JSON.stringify(header));
  const pad = (8 - (hb.length % 8)) % 8;
  if (!o.rawHeader) hb = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, o.lengthOverride ?? BigInt(hb.length), true);
  let all = Buffer.concat([len, hb, ...parts]);
  if (o.truncate) all = all.subarray(0, all.length - o.truncate);
  const file = path.join(tmp.dir, name);
  writeFileSync(file, all);
  return file;
}

const f32 = (v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);
const u16 = (v: number[]): Uint8Array => new Uint8Array(Uint16Array.from(v).buffer);
const f64 = (v: number[]): Uint8Array => new Uint8Array(Float64Array.from(v).buffer);

const GOOD: Record<string, RawTensor> = {
  a: { dtype: 'F32', shape: [2, 3], bytes: f32([1, 2, 3, -4, 5.5, 6]) },
  // 1, -2, 0.5, 65504 (max), smallest subnormal, +inf
  h: { dtype: 'F16', shape: [6], bytes: u16([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00]) },
  // 1.5, -3 in bfloat16
  b: { dtype: 'BF16', shape: [2], bytes: u16([0x3fc0, 0xc040]) },
  d: { dtype: 'F64', shape: [1, 1], bytes: f64([0.25]) },
  e: { dtype: 'F32', shape: [0, 4], bytes: new Uint8Array(0) },
};

const msg = async (p: Promise<unknown>): Promise<string> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SafetensorsError);
  return (e as Error).message;
};

describe('readSafetensors', () => {
  it('reads F32, F16, BF16 and F64 as float32, with shapes and metadata', async () => {
    const file = build('good.safetensors', GOOD);
    const m = await readSafetensors(file);
    expect([...m.keys()]).toEqual(['a', 'h', 'b', 'd', 'e']);
    expect(m.get('a')).toEqual({ dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, 2, 3, -4, 5.5, 6]) });
    expect(Array.from(m.get('h')!.data)).toEqual([1, -2, 0.5, 65504, 2 ** -24, Infinity]);
    expect(Array.from(m.get('b')!.data)).toEqual([1.5, -3]);
    expect(Array.from(m.get('d')!.data)).toEqual([0.25]);
    expect(m.get('e')!.data.length).toBe(0);
    expect((await readSafetensorsHeader(file)).metadata).toEqual({ format: 'pt' });
    const sync = readSafetensorsSync(file);
    expect([...sync.entries()]).toEqual([...m.entries()]);
    const only = await readSafetensors(file, { names: ['b'] });
    expect([...only.keys()]).toEqual(['b']);
    expect(await msg(readSafetensors(file, { names: ['zzz'] }))).toMatch(/good\.safetensors: tensor "zzz": not in the file/);
  });

  it('refuses bad header lengths and headers', async () => {
    expect(await msg(readSafetensors(path.join(tmp.dir, 'absent.safetensors')))).toMatch(/absent\.safetensors: cannot open: ENOENT/);
    const short = path.join(tmp.dir, 'short.safetensors');
    writeFileSync(short, Buffer.from([1, 2, 3]));
    expect(await msg(readSafetensors(short))).toMatch(/short\.safetensors: file is 3 bytes, too short/);
    const big = build('biglen.safetensors', GOOD, { lengthOverride: 5000n });
    expect(await msg(readSafetensors(big))).toMatch(/biglen\.safetensors: header length 5000 is larger than the rest of the file/);
    const huge = build('hugelen.safetensors', GOOD, { lengthOverride: 1n << 60n });
    expect(await msg(readSafetensors(huge))).toMatch(/not plausible/);
    const zero = build('zerolen.safetensors', GOOD, { lengthOverride: 0n });
    expect(await msg(readSafetensors(zero))).toMatch(/header length is 0/);
    const notJson = build('notjson.safetensors', GOOD, { rawHeader: '{"a": [1, 2' });
    expect(await msg(readSafetensors(notJson))).toMatch(/notjson\.safetensors: header is not valid JSON/);
    const arr = build('array.safetensors', GOOD, { rawHeader: '[1, 2, 3]' });
    expect(await msg(readSafetensors(arr))).toMatch(/header is not a JSON object/);
    const noShape = build('noshape.safetensors', GOOD, { header: (h) => ((h.a as Record<string, unknown>).shape = [2, -3]) });
    expect(await msg(readSafetensors(noShape))).toMatch(/noshape\.safetensors: tensor "a": "shape" must be a list of non-negative integers/);
    const backwards = build('backwards.safetensors', GOOD, { header: (h) => ((h.a as Record<string, unknown>).data_offsets = [24, 0]) });
    expect(await msg(readSafetensors(backwards))).toMatch(/tensor "a": data_offsets \[24, 0\] end before they begin/);
  });

  it('names the tensor when the data is truncated, mis-sized or overlapping', async () => {
    const trunc = build('trunc.safetensors', GOOD, { truncate: 4 });
    // The last non-empty tensor ("d", 8 bytes) now runs past the end.
    expect(await msg(readSafetensors(trunc))).toMatch(/trunc\.safetensors: tensor "d": data_offsets \[\d+, \d+\] run past the end of the data .*truncated/);
    expect(() => readSafetensorsSync(trunc)).toThrow(/tensor "d"/);
    const sized = build('sized.safetensors', GOOD, { header: (h) => ((h.a as Record<string, unknown>).shape = [2, 2]) });
    expect(await msg(readSafetensors(sized))).toMatch(/sized\.safetensors: tensor "a": holds 24 bytes but F32 \[2, 2\] needs 16/);
    const overlap = build('overlap.safetensors', { x: { dtype: 'F32', shape: [2], bytes: f32([1, 2]) }, y: { dtype: 'F32', shape: [1], bytes: f32([3]) } }, {
      header: (h) => ((h.y as Record<string, unknown>).data_offsets = [4, 8]),
    });
    expect(await msg(readSafetensors(overlap))).toMatch(/tensor "y": overlaps tensor "x"/);
  });

  it('names the tensor and dtype it cannot convert', async () => {
    const file = build('ints.safetensors', { ok: GOOD.a!, ids: { dtype: 'I64', shape: [2], bytes: new Uint8Array(16) } });
    expect(await msg(readSafetensors(file))).toMatch(/ints\.safetensors: tensor "ids": dtype I64 is not supported here; supported: F32, F16, BF16, F64/);
    // Reading only the float tensor still works.
    expect((await readSafetensors(file, { names: ['ok'] })).get('ok')!.shape).toEqual([2, 3]);
    const weird = build('weird.safetensors', { w: { dtype: 'Q4', shape: [2], bytes: new Uint8Array(1) } });
    expect(await msg(readSafetensors(weird))).toMatch(/tensor "w": dtype Q4 is unknown/);
  });
});
