// The CLI on real folders: help, sample, open, export.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { ProjectStore } from '../../src/main/core/store/project_store.js';

const tmp = tempDir('mlens-cli-');
afterAll(() => tmp.cleanup());
const env = { MLENS_DATA_DIR: join(tmp.dir, 'data') };

describe('mlens CLI', () => {
  it('lists its verbs', () => {
    const r = mlens(['--help']);
    expect(r.code).toBe(0);
    for (const verb of ['open', 'sample', 'export', 'metrics', 'serve', 'doctor']) expect(r.stdout).toContain(`  ${verb}`);
  });

  it('generates a sample, opens it and exports flags made in its project store', () => {
    const out = join(tmp.dir, 'sample');
    const s = mlens(['sample', '--out', out, '--images', '120', '--seed', '3', '--json'], env);
    expect(s.code, s.stderr).toBe(0);
    expect(s.json().images).toBe(120);
    const o = mlens(['open', out, '--json'], env);
    expect(o.code, o.stderr).toBe(0);
    const summary = o.json();
    expect(summary).toMatchObject({ format: 'generic', images: 120, has_truth: true });
    expect(summary.captions).toBe(600);
    expect(summary.embeddings.dims).toBeGreaterThan(0);

    const store = new ProjectStore(join(out, '.mlens', 'project.sqlite'));
    store.addFlag({ kind: 'pair', image: 1, caption: 0 }, 'false_negative', 'cli', false);
    store.close();
    const file = join(tmp.dir, 'flags.sqlite');
    const e = mlens(['export', out, '--out', file, '--json'], env);
    expect(e.code, e.stderr).toBe(0);
    expect(e.json()).toMatchObject({ flags: 1, captions: 1 });
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT label, note FROM flags').all()).toEqual([{ label: 'false_negative', note: 'cli' }]);
    db.close();
  });

  it('names the file and line of malformed JSONL and exits non-zero on a folder with no format', () => {
    const bad = join(tmp.dir, 'bad');
    mkdirSync(bad, { recursive: true });
    const none = mlens(['open', bad, '--json'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/captions\.jsonl/);
    writeFileSync(join(bad, 'captions.jsonl'), '{"image": "a.png", "caption": "x"}\n{not json\n');
    // The bad line is skipped and listed; the rest opens. --strict makes it fatal.
    const r = mlens(['open', bad, '--json'], env);
    expect(r.code).toBe(0);
    expect(r.json().problems).toContainEqual(expect.objectContaining({ severity: 'error', file: 'captions.jsonl', line: 2 }));
    const strict = mlens(['open', bad, '--strict'], env);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/captions\.jsonl:2: /);
  });

  it('reports usage errors with exit code 2', () => {
    const r = mlens(['sample', '--preset', 'Z']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--preset must be A, B or C');
    expect(existsSync(join(tmp.dir, 'nothing'))).toBe(false);
  });
});
