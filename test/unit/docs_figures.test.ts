// Figures quoted in README.md and docs/*.md come from bench-results/latest-science.json: every
// generated region is what scripts/science-figures.mjs makes of the JSON, and no scientific figure
// (Spearman/ρ, ECE, precision, mAP@R, R@1 as a decimal) is written by hand outside a region.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without type declarations
import * as figures from '../../scripts/science-figures.mjs';

interface Found {
  line: number;
  figure: string;
  context: string;
}
const f = figures as {
  ROOT: string;
  docFiles: () => string[];
  loadScience: () => { targets: Array<{ bound: number }> };
  applyRegions: (text: string, sci: unknown, file?: string) => string;
  figuresOutsideRegions: (text: string, sci: unknown) => Found[];
  OTHER_TABLE_SCRIPTS: string[];
  FINDINGS_PATH: string;
  findingsModule: (sci: unknown) => string;
};

describe('docs figures', () => {
  const sci = f.loadScience();
  const files = f.docFiles();

  it('every generated region is what the script makes of the JSON', () => {
    const stale = files.filter((file) => {
      const text = readFileSync(join(f.ROOT, file), 'utf8');
      return f.applyRegions(text, sci, file) !== text;
    });
    expect(stale, 'run `node scripts/science-figures.mjs`').toEqual([]);
  });

  it('the targets the UI states (src/shared/science_findings.ts) are what the script makes of the JSON', () => {
    expect(readFileSync(f.FINDINGS_PATH, 'utf8') === f.findingsModule(sci), 'run `node scripts/science-figures.mjs`').toBe(true);
  });

  it('the tables the variance and conditional-head scripts generate are what their JSON gives', () => {
    for (const script of f.OTHER_TABLE_SCRIPTS) {
      const r = spawnSync(process.execPath, [join(f.ROOT, script), '--check'], { encoding: 'utf8' });
      expect(r.status, `${script} --check: ${r.stderr}`).toBe(0);
    }
  });

  it('no scientific figure is quoted outside a generated region', () => {
    const found = files.flatMap((file) => f.figuresOutsideRegions(readFileSync(join(f.ROOT, file), 'utf8'), sci).map((x) => `${file}:${x.line} ${x.figure} (${x.context})`));
    expect(found).toEqual([]);
  });

  it('the check sees a hand-written figure, and allows a listed target threshold and speed tables', () => {
    const bad = 'Caption Σσ² ranks with\ntrue multiplicity at Spearman 0.48 on held-out captions.';
    expect(f.figuresOutsideRegions(bad, sci).map((x) => x.figure)).toEqual(['0.48']);
    expect(f.figuresOutsideRegions('the baseline gives t2i R@1 0.172 against the annotated pairs but 0.672 against the truth.', sci).map((x) => x.figure)).toEqual(['0.172', '0.672']);
    expect(f.figuresOutsideRegions('Caption Σσ² ranks with multiplicity at ρ = .48 on held-out captions.', sci).map((x) => x.figure)).toEqual(['.48']);
    expect(f.figuresOutsideRegions('calibrated with a cross-validated ECE ≤ 0.10 on the reviews.', sci)).toEqual([]);
    expect(f.figuresOutsideRegions('calibrated with a cross-validated ECE ≤ 0.07 on the reviews.', sci).map((x) => x.figure)).toEqual(['0.07']);
    expect(f.figuresOutsideRegions('| map | trustworthiness 0.98897 | kNN recall@15 0.744 |', sci)).toEqual([]);
    expect(f.figuresOutsideRegions('<!-- science:readme -->\nSpearman 0.48\n<!-- /science:readme -->', sci)).toEqual([]);
  });
});
