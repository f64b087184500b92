// Draws the app icon and writes every size a desktop build needs (`node scripts/make-icons.mjs`):
//   resources/icon.png            1024 × 1024 (the master; electron-builder and the window use it)
//   resources/icons/NxN.png       16 … 512 (Linux: electron-builder's icon folder, named by size)
//   resources/icon.ico            16 … 256, PNG-compressed entries (Windows, NSIS)
//   resources/icon.icns           16 … 1024, PNG-compressed entries (macOS)
// The picture: a lens over a small many-to-many graph, images (squares) on the left joined to
// several captions (circles) on the right. It is an SVG built here and rasterised by sharp;
// pngjs reads each result back to check its size. The output is committed; run this again only
// when the drawing changes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { PNG } from 'pngjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'resources');

/** The icon as SVG on a 1024 canvas. */
function drawing() {
  const S = 1024;
  const lens = { x: 452, y: 452, r: 300 };
  const images = [[330, 330], [310, 460], [340, 590]];
  const captions = [[570, 300], [600, 420], [585, 540], [555, 640]];
  // Which image each caption fits: every caption fits at least one image, most fit several.
  const fits = [[0, 0], [0, 1], [1, 1], [1, 2], [2, 2], [0, 2], [1, 3], [2, 3]];
  const edges = fits
    .map(([i, c]) => `<line x1="${images[i][0]}" y1="${images[i][1]}" x2="${captions[c][0]}" y2="${captions[c][1]}"/>`)
    .join('');
  const squares = images.map(([x, y]) => `<rect x="${x - 34}" y="${y - 34}" width="68" height="68" rx="12"/>`).join('');
  const circles = captions.map(([x, y]) => `<circle cx="${x}" cy="${y}" r="34"/>`).join('');
  const handle = { x1: lens.x + lens.r * 0.72, y1: lens.y + lens.r * 0.72, x2: 860, y2: 860 };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S}" viewBox="0 0 ${S} ${S}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#1d3557"/><stop offset="1" stop-color="#2a9d8f"/>
    </linearGradient>
    <radialGradient id="glass" cx="0.4" cy="0.35" r="0.75">
      <stop offset="0" stop-color="#ffffff" stop-opacity="0.30"/><stop offset="1" stop-color="#ffffff" stop-opacity="0.06"/>
    </radialGradient>
  </defs>
  <rect x="40" y="40" width="${S - 80}" height="${S - 80}" rx="200" fill="url(#bg)"/>
  <line x1="${handle.x1}" y1="${handle.y1}" x2="${handle.x2}" y2="${handle.y2}" stroke="#f1faee" stroke-width="92" stroke-linecap="round"/>
  <circle cx="${lens.x}" cy="${lens.y}" r="${lens.r}" fill="url(#glass)" stroke="#f1faee" stroke-width="56"/>
  <g stroke="#f1faee" stroke-opacity="0.85" stroke-width="16" stroke-linecap="round">${edges}</g>
  <g fill="#f4a261" stroke="#1d3557" stroke-width="8">${squares}</g>
  <g fill="#a8dadc" stroke="#1d3557" stroke-width="8">${circles}</g>
</svg>`;
}

async function png(size, master) {
  const buf = await sharp(master).resize(size, size, { kernel: 'lanczos3' }).png({ compressionLevel: 9 }).toBuffer();
  const { width, height } = PNG.sync.read(buf);
  if (width !== size || height !== size) throw new Error(`icon ${size}: got ${width}×${height}`);
  return buf;
}

/** Windows .ico: ICONDIR, one 16-byte ICONDIRENTRY per image, then the PNG bytes (Vista and later). */
export function icoContainer(entries) {
  const head = Buffer.alloc(6 + 16 * entries.length);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(entries.length, 4);
  let offset = head.length;
  entries.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    head.writeUInt8(size >= 256 ? 0 : size, e); // 0 means 256
    head.writeUInt8(size >= 256 ? 0 : size, e + 1);
    head.writeUInt8(0, e + 2); // no palette
    head.writeUInt8(0, e + 3);
    head.writeUInt16LE(1, e + 4); // colour planes
    head.writeUInt16LE(32, e + 6); // bits per pixel
    head.writeUInt32LE(data.length, e + 8);
    head.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([head, ...entries.map((x) => x.data)]);
}

/** macOS .icns: 'icns' + total length, then per image a 4-byte type, its length (with this 8-byte header) and PNG bytes. */
export function icnsContainer(entries) {
  const parts = entries.map(({ type, data }) => {
    const h = Buffer.alloc(8);
    h.write(type, 0, 'latin1');
    h.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([h, data]);
  });
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'latin1');
  h.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([h, ...parts]);
}

// The icns types that hold PNG data, with the pixel size each one expects.
export const ICNS_TYPES = [
  ['icp4', 16], ['icp5', 32], ['ic11', 32], ['icp6', 64], ['ic12', 64], ['ic07', 128],
  ['ic13', 256], ['ic08', 256], ['ic14', 512], ['ic09', 512], ['ic10', 1024],
];
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

async function main() {
  const master = await sharp(Buffer.from(drawing())).png().toBuffer();
  const sizes = [...new Set([...LINUX_SIZES, ...ICO_SIZES, ...ICNS_TYPES.map(([, s]) => s), 1024])];
  const bySize = new Map();
  for (const s of sizes) bySize.set(s, await png(s, master));

  mkdirSync(join(out, 'icons'), { recursive: true });
  writeFileSync(join(out, 'icon.png'), bySize.get(1024));
  for (const s of LINUX_SIZES) writeFileSync(join(out, 'icons', `${s}x${s}.png`), bySize.get(s));
  writeFileSync(join(out, 'icon.ico'), icoContainer(ICO_SIZES.map((size) => ({ size, data: bySize.get(size) }))));
  writeFileSync(join(out, 'icon.icns'), icnsContainer(ICNS_TYPES.map(([type, s]) => ({ type, data: bySize.get(s) }))));
  console.log(`wrote resources/icon.png, icons/{${LINUX_SIZES.join(',')}}, icon.ico, icon.icns`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
