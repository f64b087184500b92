// Effective partners (metrics/effective_partners.ts): N_eff = exp(entropy of the softmax over the
// other modality at τ). The arithmetic on hand-made spaces, then the claim on the built-in baseline
// encoder's space of sample seeds nothing was tuned on (τ was chosen on seed 0): a caption true of
// many images has more effective partners than a specific one, above a floor on two unseen seeds.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { captionPartners, captionPartnersRows, effectivePartners, partnersOf, partnerTau } from '../../src/main/core/metrics/effective_partners.js';
import { partnersReport, PartnersTooLargeError } from '../../src/main/core/heads/partners_report.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { projectDir } from '../../src/main/core/store/project_store.js';
import { SpaceStore } from '../../src/main/core/spaces/space_store.js';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-partners-');
afterAll(tmp.cleanup);

describe('effective partners, the arithmetic', () => {
  it('is k when k gallery items tie and the rest are far, and 1 when one stands out', () => {
    // 2-d: gallery rows at angles; query 0 along x, query 1 between two rows.
    const g = new Float32Array([1, 0, 1, 0, 1, 0, 0, 1, -1, 0]);
    const q = new Float32Array([1, 0, 0.2, 1]);
    const n = partnersOf(q, 2, g, [0, 1, 2, 3, 4], 2, 0.01);
    expect(n[0]).toBeCloseTo(3, 4); // three identical rows, the others at cosine 0 and −1
    const one = partnersOf(new Float32Array([0, 1]), 1, g, [0, 1, 2, 3, 4], 2, 0.01);
    expect(one[0]).toBeCloseTo(1, 4);
    // Against a direct computation at a warm temperature.
    const tau = 0.5;
    const s = [0, 1, 2, 3, 4].map((j) => (0.2 * g[2 * j] + 1 * g[2 * j + 1]) / Math.hypot(0.2, 1));
    const e = s.map((x) => Math.exp(x / tau));
    const z = e.reduce((a, b) => a + b, 0);
    const h = -e.reduce((a, x) => a + (x / z) * Math.log(x / z), 0);
    expect(partnersOf(q, 2, g, [0, 1, 2, 3, 4], 2, tau)[1]).toBeCloseTo(Math.exp(h), 4);
  });

  it('gives NaN for a row without direction, and samples a gallery over the limit', () => {
    const space = { dims: 2, image: new Float32Array([1, 0, 0, 0, 0, 1]), text: new Float32Array([1, 0, Number.NaN, 1]) };
    const e = effectivePartners(space, { tau: 0.1 });
    expect(Number.isNaN(e.text[1])).toBe(true);
    expect(Number.isNaN(e.image[1])).toBe(true); // the zero image row
    expect(e.sampled).toBe(false);
    const s = effectivePartners(space, { tau: 0.1, maxGallery: 2 });
    expect(s.sampled).toBe(true);
    expect(s.galleryImages).toBe(2);
    expect(() => effectivePartners(space, { tau: 0 })).toThrow(/τ must be positive/);
  });

  it('defaults τ by the image gallery\'s size: 0.1 up to 200 images, smaller above, as partners-tau measured', () => {
    expect(partnerTau(50)).toBe(0.1);
    expect(partnerTau(200)).toBe(0.1);
    expect(partnerTau(1000)).toBeCloseTo(0.05, 2);
    expect(partnerTau(3000)).toBeCloseTo(0.031, 3);
    expect(partnerTau(20_000)).toBeLessThan(partnerTau(3000));
    // The default follows the gallery actually used: a sampled gallery of 2 images is a small one.
    const nI = 1200;
    const image = new Float32Array(nI * 2).map((_, i) => (i % 2 ? Math.sin(i) : Math.cos(i)));
    const space = { dims: 2, image, text: image.slice(0, 20) };
    expect(effectivePartners(space).tau).toBe(partnerTau(nI));
    expect(effectivePartners(space, { maxGallery: 150 }).tau).toBe(0.1);
    expect(effectivePartners(space, { tau: 0.2 }).tau).toBe(0.2);
  });

  it('gives the same caption figures from rows read block by block (a space on disk) as in memory', () => {
    const dims = 5;
    const nI = 230;
    const nC = 410;
    let x = 7;
    const rnd = (): number => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const space = { dims, image: Float32Array.from({ length: nI * dims }, rnd), text: Float32Array.from({ length: nC * dims }, rnd) };
    const rowsOf = (m: Float32Array, n: number) => {
      let most = 0;
      return { rows: n, read: (start: number, count: number) => ((most = Math.max(most, count)), m.slice(start * dims, (start + count) * dims)), most: () => most };
    };
    for (const maxGallery of [1000, 60]) {
      const mem = captionPartners(space, { maxGallery });
      // The captions' half of the full computation (the same gallery sample and τ).
      expect(Array.from(mem.text)).toEqual(Array.from(effectivePartners(space, { maxGallery }).text));
      const img = rowsOf(space.image, nI);
      const txt = rowsOf(space.text, nC);
      const disk = captionPartnersRows(txt, img, dims, { maxGallery, blockRows: 17 });
      expect(disk.galleryImages).toBe(mem.galleryImages);
      expect(disk.tau).toBe(mem.tau);
      expect(Array.from(disk.text)).toEqual(Array.from(mem.text));
      expect(Math.max(img.most(), txt.most())).toBeLessThanOrEqual(17);
    }
  });

  it('refuses by name a space over the compute budget', () => {
    const ds = { images: Array.from({ length: 3000 }, () => ({ split: null })), captions: Array.from({ length: 3000 }, (_, i) => ({ imageIndex: i })) };
    const space = { dims: 4, image: new Float32Array(3000 * 4).fill(1), text: new Float32Array(3000 * 4).fill(1) };
    expect(() => partnersReport(ds, space, { budget: 1e6 })).toThrow(PartnersTooLargeError);
    expect(() => partnersReport(ds, space, { budget: 1e6 })).toThrow(/6,000 items × 4 dims is over the compute budget/);
  });
});

/** Held-out captions' N_eff vs true multiplicity; seed 0 gave 0.77 (preset A); the floor is the margin, not the figure. */
const CAPTION_RHO_FLOOR = 0.3;
const IMAGE_RHO_FLOOR = 0.1;

describe('effective partners on the baseline space, unseen seeds', () => {
  for (const seed of [11, 12]) {
    it(`rank with true multiplicity on seed ${seed} (preset A, 200 images)`, async () => {
      const dir = join(tmp.dir, `s${seed}`);
      const dataDir = join(tmp.dir, 'data');
      await generateSample({ out: dir, images: 200, preset: 'A', seed });
      const ds = await openDataset(dir);
      const enc = await encodeSpace({ dataset: ds, encoderSpec: 'baseline', projectDir: projectDir(ds.root, dataDir), inProcess: true });
      const sp = new SpaceStore(projectDir(ds.root, dataDir)).load(enc.record.id);
      const r = partnersReport(ds, { dims: sp.record.dims, image: sp.image, text: sp.text });
      const cap = r.diagnostics!.captions.find((c) => c.against === 'multiplicity' && c.scope === 'val+test')!;
      const img = r.diagnostics!.images.find((c) => c.against === 'multiplicity')!;
      console.log(`effective partners, seed ${seed}: held-out captions ρ ${cap.rho.toFixed(3)} (partial ${cap.partialRho?.toFixed(3)}, n ${cap.n}); images ρ ${img.rho.toFixed(3)} (partial ${img.partialRho?.toFixed(3)})`);
      expect(cap.rho).toBeGreaterThan(CAPTION_RHO_FLOOR);
      expect(img.rho).toBeGreaterThan(IMAGE_RHO_FLOOR);
      // The CLI reads the same report, and writes one row per item.
      const csv = join(tmp.dir, `p${seed}.csv`);
      const out = mlens(['partners', dir, '--space', enc.record.id, '--csv', csv, '--json'], { MLENS_DATA_DIR: dataDir });
      expect(out.code, out.stderr).toBe(0);
      const j = out.json();
      expect(j.diagnostics.captions.find((c: { against: string; scope?: string }) => c.against === 'multiplicity' && c.scope === 'val+test').rho).toBeCloseTo(cap.rho, 6);
      expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(1 + ds.images.length + ds.captions.length);
    }, 120_000);
  }
});
