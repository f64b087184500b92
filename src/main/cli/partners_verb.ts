// `mlens partners DIR [--space ID]`: effective partners per item (how many items of the other
// modality each one is about equally close to) and, with truth.jsonl, how they rank with true
// multiplicity; the same report as the app's "effective partners" colouring.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeVarianceDiagnostics } from '../core/heads/variance_diagnostics.js';
import { partnersReport } from '../core/heads/partners_report.js';
import { numOpt, opt } from './args.js';
import { json, needDir, print, withProject, type Verb } from './verb.js';

function quantiles(x: Float32Array): { median: number; p90: number; max: number } {
  const v = Array.from(x).filter(Number.isFinite).sort((a, b) => a - b);
  const at = (q: number): number => (v.length ? v[Math.min(v.length - 1, Math.floor(q * v.length))] : NaN);
  return { median: at(0.5), p90: at(0.9), max: v.length ? v[v.length - 1] : NaN };
}

const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export const partnersVerb: Verb = {
  summary: 'effective partners per item: how many items of the other modality each one is about equally close to (a multiplicity estimate, no head needed)',
  usage: 'mlens partners DIR [--space ID] [--tau T (default 0.1 up to 200 images, 0.1·(200/n)^0.43 above)] [--budget 1e10] [--csv FILE] [--json]',
  flags: ['json'],
  async run(a) {
    const dir = needDir(a);
    const tau = numOpt(a, 'tau', 1e-4, 10);
    const budget = numOpt(a, 'budget', 1e6, 1e15);
    const csv = opt(a, 'csv');
    const r = await withProject(dir, async (p) => {
      const id = opt(a, 'space') ?? p.activeSpaceId ?? 'dataset';
      const sp = p.space(id);
      const rep = partnersReport(p.ds, sp, { tau, budget });
      if (csv) {
        const lines = ['kind,index,id,effective_partners'];
        p.ds.images.forEach((im, i) => lines.push(`image,${i},${csvCell(im.id)},${rep.image[i]}`));
        p.ds.captions.forEach((c, i) => lines.push(`caption,${i},${csvCell(c.id)},${rep.text[i]}`));
        writeFileSync(resolve(csv), `${lines.join('\n')}\n`);
      }
      return { space: id, rep };
    });
    const { rep } = r;
    const out = {
      space: r.space,
      tau: rep.tau,
      galleryImages: rep.galleryImages,
      galleryCaptions: rep.galleryCaptions,
      sampled: rep.sampled,
      captions: quantiles(rep.text),
      images: quantiles(rep.image),
      diagnostics: rep.diagnostics,
      csv: csv ? resolve(csv) : null,
      seconds: Number(rep.seconds.toFixed(3)),
    };
    if (json(a)) return print(out);
    const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
    console.log(`effective partners on space ${r.space} (τ ${rep.tau}; galleries: ${rep.galleryImages.toLocaleString('en-US')} images, ${rep.galleryCaptions.toLocaleString('en-US')} captions${rep.sampled ? ', sampled' : ''}; ${rep.seconds.toFixed(1)} s)`);
    console.log(`captions: median ${f(out.captions.median)} images, 90th percentile ${f(out.captions.p90)}, max ${f(out.captions.max)}`);
    console.log(`images: median ${f(out.images.median)} captions, 90th percentile ${f(out.images.p90)}, max ${f(out.images.max)}`);
    if (rep.diagnostics) for (const line of describeVarianceDiagnostics(rep.diagnostics)) console.log(`rank correlation, ${line}`);
    if (csv) console.log(`per item: ${resolve(csv)}`);
  },
};
