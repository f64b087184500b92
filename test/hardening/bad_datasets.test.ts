// The corpus of bad datasets (test/fixtures/bad/, made by scripts/make-bad-datasets.mjs): each
// folder is a good small dataset with one fault. Opening it must name that fault (file, and line or
// row where there is one), report nothing else beyond what the fault implies by design, and open
// everything else: captions, embeddings and truth that the fault does not touch. Strict mode makes
// a bad JSONL line fatal, naming the same file and line.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CASES, makeBadDatasets, type ExpectedProblem } from '../../scripts/make-bad-datasets.mjs';
import { DatasetError } from '../../src/main/core/datasets/dataset.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import type { Problem } from '../../src/shared/dataset.js';
import { tempDir } from '../helpers/tmp.js';
import { mlens } from '../helpers/cli.js';

const BAD = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'bad');
const tmp = tempDir('mlens-bad-');
afterAll(() => tmp.cleanup());

function listFiles(dir: string, base = ''): string[] {
  return readdirSync(path.join(dir, base))
    .flatMap((n) => {
      const rel = base ? `${base}/${n}` : n;
      return statSync(path.join(dir, rel)).isDirectory() ? listFiles(dir, rel) : [rel];
    })
    .sort();
}

function matches(p: Problem, e: ExpectedProblem): boolean {
  return p.severity === e.severity && p.file === e.file && p.line === e.line && p.message.includes(e.match);
}

const tally = { cases: 0, problems: 0, opened: 0, fatal: 0, strictFatal: 0 };

describe('the bad-dataset corpus', () => {
  it('has at least 40 cases, and the committed folders are exactly what the script makes', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    makeBadDatasets(tmp.dir);
    const fresh = listFiles(tmp.dir);
    expect(listFiles(BAD)).toEqual(fresh);
    for (const f of fresh) expect(readFileSync(path.join(BAD, f)).equals(readFileSync(path.join(tmp.dir, f))), f).toBe(true);
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.fault}`, async () => {
      const dir = path.join(BAD, c.name);
      tally.cases++;
      if (c.opens === false) {
        const err = await openDataset(dir).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(DatasetError);
        const d = err as DatasetError;
        expect(d.file).toBe(c.expect!.file);
        expect(d.line).toBe(c.expect!.line);
        expect(d.message).toContain(c.expect!.match);
        tally.fatal++;
        tally.problems++;
        return;
      }
      const ds = await openDataset(dir);
      tally.opened++;
      tally.problems += ds.problems.length;
      const wanted = c.expect ? [c.expect, ...(c.also ?? [])] : [];
      // Exactly the named problems: each expected one found once, and nothing else.
      expect(ds.problems.length, JSON.stringify(ds.problems, null, 1)).toBe(wanted.length);
      for (const w of wanted) expect(ds.problems.filter((p) => matches(p, w)), `${JSON.stringify(w)} in ${JSON.stringify(ds.problems, null, 1)}`).toHaveLength(1);
      // The rest opens.
      expect(ds.captions).toHaveLength(c.captions!);
      expect(ds.embeddings != null).toBe(c.embeddings);
      if (ds.embeddings) {
        expect(ds.embeddings.image.length).toBe(ds.images.length * ds.embeddings.dims);
        expect(ds.embeddings.text.length).toBe(ds.captions.length * ds.embeddings.dims);
      }
      expect(ds.truth != null).toBe(c.truth);
    });
  }

  it('strict mode makes every bad record line fatal at its file and line, and nothing else', async () => {
    for (const c of CASES) {
      if (c.opens === false) continue;
      const e = c.expect;
      // Bad records of the index files (JSONL lines, COCO/Karpathy records) carry a line.
      const jsonlLine = e != null && e.severity === 'error' && e.line != null && !e.file.startsWith('embeddings/');
      const r = await openDataset(path.join(BAD, c.name), { strict: true }).then(
        () => null,
        (err: unknown) => err,
      );
      if (jsonlLine) {
        expect(r, c.name).toBeInstanceOf(DatasetError);
        expect((r as DatasetError).file, c.name).toBe(e.file);
        expect((r as DatasetError).line, c.name).toBe(e.line);
        expect((r as DatasetError).message, c.name).toContain('strict mode');
        tally.strictFatal++;
      } else {
        // Embedding, image, meta.json and warning-only faults never block opening, strict or not.
        expect(r, `${c.name}: ${String(r)}`).toBeNull();
      }
    }
    console.log(`bad datasets: ${JSON.stringify(tally)}`);
  });

  it('the CLI lists a skipped line and `mlens open --strict` stops on it', () => {
    const dir = path.join(BAD, 'captions-non-utf8');
    const ok = mlens(['open', dir, '--json']);
    expect(ok.code).toBe(0);
    expect(ok.json().captions).toBe(6);
    expect(ok.json().problems).toEqual([{ severity: 'error', file: 'captions.jsonl', line: 7, message: 'is not valid UTF-8 (first bad byte at byte 51 of the line); line skipped' }]);
    const strict = mlens(['open', dir, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('captions.jsonl:7: is not valid UTF-8 (first bad byte at byte 51 of the line) (strict mode: invalid lines are not skipped)');
  });
});
