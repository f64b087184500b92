#!/usr/bin/env node
// Writes the corpus of bad datasets into test/fixtures/bad/ (or the folder given as the first
// argument): one small folder per case, each a good dataset with exactly one fault, so the test
// (test/hardening/bad_datasets.test.ts) can check that the fault is named (file, line or row) and
// that everything else still opens. Deterministic: the same bytes on every run, so the committed
// folders can be compared with a fresh run.
//   node scripts/make-bad-datasets.mjs [OUT]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const N_IMAGES = 3;
const N_CAPTIONS = 6;
const DIMS = 4;

// ---------------------------------------------------------------------------------------------
// Writers for the formats (small and explicit, so a fault can be placed in any one field).

/** A real 2×2 PNG whose colour depends on `seed`. */
function png(seed) {
  const p = new PNG({ width: 2, height: 2 });
  for (let i = 0; i < 4; i++) {
    p.data[4 * i] = (seed * 80 + i * 10) & 255;
    p.data[4 * i + 1] = (seed * 40) & 255;
    p.data[4 * i + 2] = (255 - seed * 60) & 255;
    p.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(p, { deflateLevel: 9 });
}

/** A .npy file; every header field can be overridden to make a fault. */
function npy(values, shape, o = {}) {
  const descr = o.descr ?? '<f4';
  const shapeText = o.shapeText ?? `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  let dict = o.header ?? `{'descr': '${descr}', 'fortran_order': ${o.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const version = o.version ?? 1;
  const pre = version === 1 ? 10 : 12;
  dict += ' '.repeat((64 - ((pre + dict.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(pre);
  head[0] = 0x93;
  head.write('NUMPY', 1, 'latin1');
  head[6] = version;
  head[7] = 0;
  const len = o.headerLen ?? dict.length;
  if (version === 1) head.writeUInt16LE(len, 8);
  else head.writeUInt32LE(len, 8);
  const body = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => body.writeFloatLE(v, 4 * i));
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), body]);
}

function matrix(rows, dims, seed) {
  const out = [];
  for (let r = 0; r < rows; r++) for (let k = 0; k < dims; k++) out.push(Math.round(Math.sin(seed * 7 + r * 3 + k) * 1000) / 1000);
  return out;
}

/** A .safetensors file from {name: {dtype, shape, data: Buffer}}; `o` can break the header. */
function safetensors(tensors, o = {}) {
  const header = {};
  const parts = [];
  let at = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: t.offsets ?? [at, at + t.data.length] };
    parts.push(t.data);
    at += t.data.length;
  }
  let json = o.headerText ?? JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(o.headerLen ?? BigInt(Buffer.byteLength(json)), 0);
  return Buffer.concat([len, Buffer.from(json, 'utf8'), ...parts]);
}

function f32(values) {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, 4 * i));
  return b;
}

const jsonl = (rows) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

// ---------------------------------------------------------------------------------------------
// The good datasets every case starts from.

function captionRows() {
  const words = ['a red square', 'a crimson block', 'a green circle', 'a round green shape', 'a blue triangle', 'a pointed blue shape'];
  const splits = ['train', 'train', 'val', 'val', 'test', 'test'];
  return words.map((caption, c) => ({ image: `images/${'abc'[c >> 1]}.png`, caption, id: `c${c}`, split: splits[c] }));
}

/** The generic folder: 3 images, 6 captions, embeddings, truth, positives. Returns {rel: bytes}. */
function generic() {
  return {
    'images/a.png': png(0),
    'images/b.png': png(1),
    'images/c.png': png(2),
    'captions.jsonl': jsonl(captionRows()),
    'embeddings/image.npy': npy(matrix(N_IMAGES, DIMS, 1), [N_IMAGES, DIMS]),
    'embeddings/text.npy': npy(matrix(N_CAPTIONS, DIMS, 2), [N_CAPTIONS, DIMS]),
    'embeddings/meta.json': JSON.stringify({ encoder: 'fixture' }) + '\n',
    'truth.jsonl': jsonl(captionRows().map((_, c) => ({ caption_index: c, images: [c >> 1] }))),
    'positives.jsonl': jsonl([{ image: 1, caption_index: 0, label: 2 }]),
  };
}

/** The generic folder with embeddings.safetensors instead of the .npy files. */
function genericSafetensors(o = {}, tensors = {}) {
  const files = generic();
  delete files['embeddings/image.npy'];
  delete files['embeddings/text.npy'];
  files['embeddings/embeddings.safetensors'] = safetensors(
    {
      image: { dtype: 'F32', shape: [N_IMAGES, DIMS], data: f32(matrix(N_IMAGES, DIMS, 1)) },
      text: { dtype: 'F32', shape: [N_CAPTIONS, DIMS], data: f32(matrix(N_CAPTIONS, DIMS, 2)) },
      ...tensors,
    },
    o,
  );
  return files;
}

function cocoDoc() {
  return {
    images: [
      { id: 1, file_name: 'a.png' },
      { id: 2, file_name: 'b.png' },
    ],
    annotations: [
      { image_id: 1, id: 10, caption: 'a red square' },
      { image_id: 1, id: 11, caption: 'a crimson block' },
      { image_id: 2, id: 12, caption: 'a green circle' },
    ],
  };
}

function coco(doc = cocoDoc()) {
  return {
    'val2017/a.png': png(0),
    'val2017/b.png': png(1),
    'annotations/captions_val2017.json': typeof doc === 'string' ? doc : JSON.stringify(doc, null, 1) + '\n',
  };
}

function karpathyDoc() {
  return {
    images: [
      { filename: 'a.png', split: 'train', imgid: 0, sentences: [{ raw: 'a red square', sentid: 0 }, { raw: 'a crimson block', sentid: 1 }] },
      { filename: 'b.png', split: 'test', imgid: 1, sentences: [{ raw: 'a green circle', sentid: 2 }] },
    ],
  };
}

function karpathy(doc = karpathyDoc()) {
  return { 'images/a.png': png(0), 'images/b.png': png(1), 'dataset_coco.json': typeof doc === 'string' ? doc : JSON.stringify(doc, null, 1) + '\n' };
}

function withFile(files, rel, content) {
  return { ...files, [rel]: content };
}

/** Replaces caption line `line` (1-based), or appends it as line 7 after the six good ones. */
function withCaptionLine(line, content) {
  const rows = captionRows().map((r) => JSON.stringify(r));
  rows[line - 1] = content;
  return withFile(generic(), 'captions.jsonl', rows.join('\n') + '\n');
}

function withoutFile(files, rel) {
  const out = { ...files };
  delete out[rel];
  return out;
}

const goodImage = matrix(N_IMAGES, DIMS, 1);
const goodText = matrix(N_CAPTIONS, DIMS, 2);

// ---------------------------------------------------------------------------------------------
// The cases. `expect`: the one problem the open must report (severity, file, line when there is
// one, and a piece of its message), or null for a folder that must open cleanly; `also`: problems
// that follow from the same fault by design (each named too). `opens: false`
// marks a fault with nothing left to open: then `expect` is the fatal error. `captions`, `embeddings`
// and `truth` say what the rest of the dataset must still hold.

const E = (file, match, line, severity = 'error') => ({ severity, file, line, match });
const G = { captions: 6, embeddings: true, truth: true };
const noEmb = { ...G, embeddings: false };
const skipOne = { ...G, captions: 5, embeddings: true };

export const CASES = [
  // .npy headers and contents
  { name: 'npy-negative-shape', fault: "image.npy header shape (-1, 4)", files: withFile(generic(), 'embeddings/image.npy', npy(goodImage, [], { shapeText: '(-1, 4)' })), expect: E('embeddings/image.npy', 'holds "-1", not a non-negative integer'), ...noEmb },
  { name: 'npy-shape-product-too-large', fault: 'image.npy header says 5 rows, 3 follow', files: withFile(generic(), 'embeddings/image.npy', npy(goodImage, [5, DIMS])), expect: E('embeddings/image.npy', 'truncated: header says shape (5, 4)'), ...noEmb },
  { name: 'npy-shape-product-too-small', fault: 'image.npy header says 2 rows, 3 follow', files: withFile(generic(), 'embeddings/image.npy', npy(goodImage, [2, DIMS])), expect: E('embeddings/image.npy', 'but 48 bytes follow the header'), ...noEmb },
  { name: 'npy-truncated', fault: 'text.npy cut in the middle of its data', files: withFile(generic(), 'embeddings/text.npy', npy(goodText, [N_CAPTIONS, DIMS]).subarray(0, 128 + 40)), expect: E('embeddings/text.npy', 'truncated: header says shape (6, 4) but the file holds 10 values'), ...noEmb },
  { name: 'npy-bad-magic', fault: 'image.npy does not start with \\x93NUMPY', files: withFile(generic(), 'embeddings/image.npy', Buffer.from('PK\u0003\u0004 this is a zip, not an array')), expect: E('embeddings/image.npy', 'not a .npy file (bad magic)'), ...noEmb },
  { name: 'npy-wrong-dtype', fault: 'image.npy is float64', files: withFile(generic(), 'embeddings/image.npy', npy([...goodImage, ...goodImage], [N_IMAGES, DIMS], { descr: '<f8' })), expect: E('embeddings/image.npy', 'dtype <f8 is not supported'), ...noEmb },
  { name: 'npy-big-endian', fault: 'text.npy is big-endian float32', files: withFile(generic(), 'embeddings/text.npy', npy(goodText, [N_CAPTIONS, DIMS], { descr: '>f4' })), expect: E('embeddings/text.npy', 'dtype >f4 is not supported'), ...noEmb },
  { name: 'npy-huge-header-length', fault: 'image.npy (version 2) header length 4,000,000,000', files: withFile(generic(), 'embeddings/image.npy', npy(goodImage, [N_IMAGES, DIMS], { version: 2, headerLen: 4_000_000_000 })), expect: E('embeddings/image.npy', 'header length 4000000000 is not plausible'), ...noEmb },
  { name: 'npy-header-past-end', fault: 'image.npy header length 60,000 in a 170-byte file', files: withFile(generic(), 'embeddings/image.npy', npy(goodImage, [N_IMAGES, DIMS], { headerLen: 60_000 })), expect: E('embeddings/image.npy', 'header length 60000 runs past the end of the file'), ...noEmb },
  { name: 'npy-unknown-version', fault: 'image.npy format version 9', files: withFile(generic(), 'embeddings/image.npy', npy(goodImage, [N_IMAGES, DIMS], { version: 9 })), expect: E('embeddings/image.npy', 'unsupported .npy version 9'), ...noEmb },
  { name: 'npy-header-without-shape', fault: "image.npy header has no 'shape'", files: withFile(generic(), 'embeddings/image.npy', npy(goodImage, [], { header: "{'descr': '<f4', 'fortran_order': False, }" })), expect: E('embeddings/image.npy', "header has no readable 'shape'"), ...noEmb },
  { name: 'npy-wrong-row-count', fault: 'image.npy has 2 rows for 3 images', files: withFile(generic(), 'embeddings/image.npy', npy(matrix(2, DIMS, 1), [2, DIMS])), expect: E('embeddings/image.npy', 'has 2 rows but the dataset has 3 images'), ...noEmb },
  { name: 'npy-dims-mismatch', fault: 'text.npy 5 dims, image.npy 4', files: withFile(generic(), 'embeddings/text.npy', npy(matrix(N_CAPTIONS, 5, 2), [N_CAPTIONS, 5])), expect: E('embeddings/text.npy', 'has 5 dims but embeddings/image.npy has 4 dims'), ...noEmb },
  { name: 'npy-three-dimensional', fault: 'image.npy has shape (3, 2, 2)', files: withFile(generic(), 'embeddings/image.npy', npy(goodImage, [N_IMAGES, 2, 2])), expect: E('embeddings/image.npy', 'must be a 2-D array'), ...noEmb },
  { name: 'npy-zero-dims', fault: 'image.npy has shape (3, 0)', files: withFile(generic(), 'embeddings/image.npy', npy([], [N_IMAGES, 0])), expect: E('embeddings/image.npy', '0 dims per row'), ...noEmb },
  { name: 'npy-nan-row', fault: 'text.npy row 4 holds NaN', files: withFile(generic(), 'embeddings/text.npy', npy(goodText.map((v, i) => (i === 4 * DIMS + 1 ? NaN : v)), [N_CAPTIONS, DIMS])), expect: E('embeddings/text.npy', 'caption 4 (0-based caption indices); those rows were set to 0', 5), ...G },
  { name: 'npy-inf-row', fault: 'image.npy row 1 holds Inf', files: withFile(generic(), 'embeddings/image.npy', npy(goodImage.map((v, i) => (i === DIMS ? Infinity : v)), [N_IMAGES, DIMS])), expect: E('embeddings/image.npy', 'hold NaN or Inf: image 1', 2), ...G },
  { name: 'npy-text-missing', fault: 'image.npy without text.npy', files: withoutFile(generic(), 'embeddings/text.npy'), expect: E('embeddings/text.npy', 'is missing (embeddings/image.npy is there; both are needed)'), ...noEmb },
  { name: 'npy-logvar-shape', fault: 'image_logvar.npy has 2 dims for 4', files: withFile(withFile(generic(), 'embeddings/image_logvar.npy', npy(matrix(N_IMAGES, 2, 3), [N_IMAGES, 2])), 'embeddings/text_logvar.npy', npy(matrix(N_CAPTIONS, DIMS, 4), [N_CAPTIONS, DIMS])), expect: E('embeddings/image_logvar.npy', 'has shape (3, 2) but embeddings/image.npy has shape (3, 4)'), ...noEmb },

  // embeddings.safetensors
  { name: 'safetensors-huge-header-length', fault: 'header length 2^40', files: genericSafetensors({ headerLen: 2n ** 40n }), expect: E('embeddings/embeddings.safetensors', 'header length 1099511627776 is not plausible'), ...noEmb },
  { name: 'safetensors-header-past-end', fault: 'header length longer than the file', files: genericSafetensors({ headerLen: 5000n }), expect: E('embeddings/embeddings.safetensors', 'header length 5000 is larger than the rest of the file'), ...noEmb },
  { name: 'safetensors-bad-json-header', fault: 'header is not JSON', files: genericSafetensors({ headerText: '{"image": {"dtype": "F32", "shape": [3, 4],' }), expect: E('embeddings/embeddings.safetensors', 'header is not valid JSON'), ...noEmb },
  { name: 'safetensors-offsets-past-end', fault: 'text tensor offsets run past the data', files: genericSafetensors({}, { text: { dtype: 'F32', shape: [N_CAPTIONS, DIMS], data: f32(goodText), offsets: [48, 48 + 96 + 400] } }), expect: E('embeddings/embeddings.safetensors', 'run past the end of the data'), ...noEmb },
  { name: 'safetensors-unknown-dtype', fault: 'image tensor dtype "Q9"', files: genericSafetensors({}, { image: { dtype: 'Q9', shape: [N_IMAGES, DIMS], data: f32(goodImage) } }), expect: E('embeddings/embeddings.safetensors', 'dtype Q9 is unknown'), ...noEmb },
  { name: 'safetensors-negative-shape', fault: 'image tensor shape [-3, 4]', files: genericSafetensors({}, { image: { dtype: 'F32', shape: [-3, DIMS], data: f32(goodImage) } }), expect: E('embeddings/embeddings.safetensors', '"shape" must be a list of non-negative integers'), ...noEmb },

  // captions.jsonl
  { name: 'captions-malformed-line', fault: 'line 3 is not JSON', files: withCaptionLine(3, '{"image": "images/b.png", "caption": "a green circle",'), expect: E('captions.jsonl', 'invalid JSON at the end', 3), ...skipOne,
    // A line in the middle: later records keep their numbers, so truth's line for record 2 and
    // text.npy's row 2 are the only things that go with it (both named).
    also: [E('truth.jsonl', 'caption_index 2 refers to a caption record that was skipped', 3), E('embeddings/text.npy', 'one per caption record including the 1 skipped ones', undefined, 'warning')] },
  { name: 'captions-missing-field', fault: 'line 7 has no "caption"', files: withCaptionLine(7, '{"image": "images/a.png", "id": "c6"}'), expect: E('captions.jsonl', 'missing "caption"', 7), ...G },
  { name: 'captions-wrong-type', fault: 'line 7 "caption" is a number', files: withCaptionLine(7, '{"image": "images/b.png", "caption": 42, "id": "c6"}'), expect: E('captions.jsonl', '"caption" must be string', 7), ...G },
  { name: 'captions-not-an-object', fault: 'line 7 is a JSON array', files: withCaptionLine(7, '["images/c.png", "a blue triangle"]'), expect: E('captions.jsonl', 'record must be object', 7), ...G },
  { name: 'captions-non-utf8', fault: 'line 7 holds the byte 0xFF', files: withFile(generic(), 'captions.jsonl', Buffer.concat([Buffer.from(jsonl(captionRows())), Buffer.from('{"image": "images/c.png", "caption": "a pointed bl'), Buffer.from([0xff]), Buffer.from('ue shape", "id": "c6"}\n')])), expect: E('captions.jsonl', 'is not valid UTF-8 (first bad byte at byte 51 of the line)', 7), ...G },
  { name: 'captions-empty-caption', fault: 'line 1 caption is ""', files: withCaptionLine(1, '{"image": "images/a.png", "caption": "", "id": "c0", "split": "train"}'), expect: E('captions.jsonl', 'caption is empty (kept)', 1, 'warning'), ...G },
  { name: 'captions-path-escape', fault: 'line 7 image "../outside.png"', files: withCaptionLine(7, '{"image": "../outside.png", "caption": "outside", "id": "c6"}'), expect: E('captions.jsonl', 'leads outside the dataset folder', 7), ...G },
  { name: 'captions-absolute-path', fault: 'line 7 image "/etc/passwd"', files: withCaptionLine(7, '{"image": "/etc/passwd", "caption": "passwords", "id": "c6"}'), expect: E('captions.jsonl', 'is absolute', 7), ...G },
  { name: 'captions-missing-image-file', fault: 'images/c.png does not exist', files: withoutFile(generic(), 'images/c.png'), expect: E('captions.jsonl', 'image file not found: images/c.png', 5, 'warning'), ...G },
  { name: 'captions-huge-line', fault: 'line 7 is over 1 MiB', files: withCaptionLine(7, JSON.stringify({ image: 'images/a.png', caption: 'x'.repeat(1 << 20), id: 'c6' })), expect: E('captions.jsonl', 'bytes, over the 1048576-byte limit', 7), ...G },
  { name: 'captions-duplicate-ids', fault: 'line 3 reuses id "c0"', files: withCaptionLine(3, '{"image": "images/b.png", "caption": "a green circle", "id": "c0", "split": "val"}'), expect: E('captions.jsonl', 'caption id "c0" was already used above', 3, 'warning'), ...G },
  { name: 'captions-bad-split', fault: 'line 7 "split" is a number', files: withCaptionLine(7, '{"image": "images/b.png", "caption": "a round green shape", "id": "c6", "split": 2}'), expect: E('captions.jsonl', '"split" must be string', 7), ...G },
  { name: 'captions-bom', fault: 'a UTF-8 BOM before line 1 (must open cleanly)', files: withFile(generic(), 'captions.jsonl', '\ufeff' + jsonl(captionRows())), expect: null, ...G },
  { name: 'captions-crlf', fault: 'CRLF line endings (must open cleanly)', files: withFile(generic(), 'captions.jsonl', jsonl(captionRows()).replace(/\n/g, '\r\n')), expect: null, ...G },

  // image files
  { name: 'image-zero-byte', fault: 'images/b.png is empty', files: withFile(generic(), 'images/b.png', Buffer.alloc(0)), expect: E('images/b.png', 'is empty (0 bytes)'), ...G },
  { name: 'image-truncated-png', fault: 'images/a.png cut after 40 bytes', files: withFile(generic(), 'images/a.png', png(0).subarray(0, 40)), expect: E('images/a.png', 'is a truncated PNG'), ...G },
  { name: 'image-not-an-image', fault: 'images/c.png holds text', files: withFile(generic(), 'images/c.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n')), expect: E('images/c.png', 'is not an image'), ...G },
  { name: 'image-zero-width-png', fault: 'images/a.png IHDR width 0', files: withFile(generic(), 'images/a.png', (() => { const b = Buffer.from(png(0)); b.writeUInt32BE(0, 16); return b; })()), expect: E('images/a.png', 'impossible size 0 × 2'), ...G },

  // truth.jsonl
  { name: 'truth-malformed-line', fault: 'truth line 2 is not JSON', files: withFile(generic(), 'truth.jsonl', jsonl(captionRows().map((_, c) => (c === 1 ? '{"caption_index": 1, "images": [0' : { caption_index: c, images: [c >> 1] })))), expect: E('truth.jsonl', 'invalid JSON at the end', 2), ...G, also: [E('truth.jsonl', 'has no line for 1 of 6 captions (first: caption 1)', undefined, 'warning')] },
  { name: 'truth-unknown-caption', fault: 'truth line 7 names caption 99', files: withFile(generic(), 'truth.jsonl', jsonl([...captionRows().map((_, c) => ({ caption_index: c, images: [c >> 1] })), { caption_index: 99, images: [0] }])), expect: E('truth.jsonl', 'caption_index 99 is out of range', 7), ...G },
  { name: 'truth-unknown-image', fault: 'truth line 3 names image 42', files: withFile(generic(), 'truth.jsonl', jsonl(captionRows().map((_, c) => ({ caption_index: c, images: c === 2 ? [1, 42] : [c >> 1] })))), expect: E('truth.jsonl', '"images"[1]: image index 42 is out of range', 3), ...G },
  { name: 'truth-non-utf8', fault: 'truth line 1 holds the byte 0xC3 alone', files: withFile(generic(), 'truth.jsonl', Buffer.concat([Buffer.from('{"caption_index": 0, "images": [0], "note": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n'), Buffer.from(jsonl(captionRows().slice(1).map((_, k) => ({ caption_index: k + 1, images: [(k + 1) >> 1] }))))])), expect: E('truth.jsonl', 'is not valid UTF-8 (first bad byte at byte 47 of the line)', 1), ...G, also: [E('truth.jsonl', 'has no line for 1 of 6 captions (first: caption 0)', undefined, 'warning')] },

  // positives.jsonl
  { name: 'positives-bad-index', fault: 'positives line 2 caption_index 12', files: withFile(generic(), 'positives.jsonl', jsonl([{ image: 1, caption_index: 0, label: 2 }, { image: 0, caption_index: 12 }])), expect: E('positives.jsonl', 'caption_index 12 is out of range', 2), ...G },
  { name: 'positives-bad-label', fault: 'positives line 1 label 7', files: withFile(generic(), 'positives.jsonl', jsonl([{ image: 1, caption_index: 0, label: 7 }])), expect: E('positives.jsonl', 'must be 1, 2, 3 or 4', 1), ...G },
  { name: 'positives-malformed-line', fault: 'positives line 1 is not JSON', files: withFile(generic(), 'positives.jsonl', '{image: 1}\n'), expect: E('positives.jsonl', 'invalid JSON', 1), ...G },

  // embeddings/meta.json
  { name: 'meta-json-malformed', fault: 'meta.json is cut short', files: withFile(generic(), 'embeddings/meta.json', '{"encoder": "fix'), expect: E('embeddings/meta.json', 'invalid JSON at the end: Unterminated string; ignored', 1, 'warning'), ...G },
  { name: 'meta-json-not-object', fault: 'meta.json is a list', files: withFile(generic(), 'embeddings/meta.json', '["fixture"]\n'), expect: E('embeddings/meta.json', 'must be a JSON object', undefined, 'warning'), ...G },

  // COCO and Karpathy
  { name: 'coco-malformed-json', fault: 'captions_val2017.json breaks on line 4', files: coco('{\n "images": [\n  {"id": 1, "file_name": "a.png"},\n  {"id": 2 "file_name": "b.png"}\n ],\n "annotations": []\n}\n'), expect: E('annotations/captions_val2017.json', 'invalid JSON at column', 4), opens: false },
  { name: 'coco-annotation-missing-caption', fault: 'annotations[1] has no "caption"', files: coco({ ...cocoDoc(), annotations: cocoDoc().annotations.map((a, j) => (j === 1 ? { image_id: a.image_id, id: a.id } : a)) }), expect: E('annotations/captions_val2017.json', 'annotations[1]: bad annotation: missing "caption"', 18), captions: 2, embeddings: false, truth: false },
  { name: 'coco-unknown-image-id', fault: 'annotations[2] image_id 7 is not an image', files: coco({ ...cocoDoc(), annotations: cocoDoc().annotations.map((a, j) => (j === 2 ? { ...a, image_id: 7 } : a)) }), expect: E('annotations/captions_val2017.json', 'annotations[2]: image_id 7 is not among the usable images', 23), captions: 2, embeddings: false, truth: false, also: [E('annotations/captions_val2017.json', '1 image has no caption (first: val2017/b.png)', undefined, 'warning')] },
  { name: 'karpathy-wrong-shape', fault: '"images" is an object, not a list', files: karpathy({ images: { a: 1 } }), expect: E('dataset_coco.json', 'not a Karpathy split file'), opens: false },
  { name: 'karpathy-bad-sentence', fault: 'images[0].sentences[1] has no "raw"', files: karpathy({ images: karpathyDoc().images.map((im, i) => (i === 0 ? { ...im, sentences: [im.sentences[0], { sentid: 1 }] } : im)) }), expect: E('dataset_coco.json', 'images[0].sentences[1]: bad sentence: missing "raw"', 3), captions: 2, embeddings: false, truth: false },
];

/** Writes every case's folder under `out` (removing what was there). Returns the case names. */
export function makeBadDatasets(out) {
  rmSync(out, { recursive: true, force: true });
  for (const c of CASES) {
    for (const [rel, content] of Object.entries(c.files)) {
      const abs = path.join(out, c.name, rel);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  }
  writeFileSync(path.join(out, 'README.md'), readme());
  return CASES.map((c) => c.name);
}

function readme() {
  const rows = CASES.map((c) => `| ${c.name} | ${c.fault} | ${c.opens === false ? 'does not open: ' : ''}${c.expect ? `${c.expect.severity} ${c.expect.file}${c.expect.line ? `:${c.expect.line}` : ''}` : 'no problem'} |`);
  return [
    '# Bad datasets (generated: do not edit)',
    '',
    'Made by `node scripts/make-bad-datasets.mjs`; checked by test/hardening/bad_datasets.test.ts.',
    'Each folder is a good small dataset with exactly one fault.',
    '',
    '| case | fault | expected problem |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'bad'));
  const names = makeBadDatasets(out);
  console.log(`${names.length} bad datasets written to ${out}`);
}
