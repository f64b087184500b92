// Every CLI verb's --json speaks snake_case, spaces have names beside ids, `mlens spaces` lists
// them, `mlens eval --positives verified` says what labels added, and exporting nothing is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { ProjectStore } from '../../src/main/core/store/project_store.js';

const tmp = tempDir('mlens-cli-json-');
const env = { MLENS_DATA_DIR: join(tmp.dir, 'data') };
const ds = join(tmp.dir, 'sample');
beforeAll(() => {
  const s = mlens(['sample', '--out', ds, '--images', '100', '--seed', '4', '--json'], env);
  if (s.code !== 0) throw new Error(s.stderr);
}, 180_000);
afterAll(() => tmp.cleanup());

/** Every object key at any depth that is not snake_case (data keys such as '1' pass). */
function camelKeys(v: unknown, path = ''): string[] {
  if (v == null || typeof v !== 'object') return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => camelKeys(x, `${path}[${i}]`));
  return Object.entries(v).flatMap(([k, x]) => [...(/[A-Z]/.test(k) ? [`${path}.${k}`] : []), ...camelKeys(x, `${path}.${k}`)]);
}

describe('mlens --json', () => {
  it('uses snake_case keys in open, doctor, spaces and eval', () => {
    const outputs: Record<string, unknown> = {};
    for (const [verb, args] of [
      ['open', ['open', ds, '--json']],
      ['doctor', ['doctor', '--json']],
      ['spaces', ['spaces', ds, '--json']],
      ['eval', ['eval', ds, '--space', 'dataset', '--positives', 'verified', '--json']],
    ] as const) {
      const r = mlens([...args], env);
      expect(r.code, `${verb}: ${r.stderr}`).toBe(0);
      outputs[verb] = r.json();
      expect(camelKeys(outputs[verb]), verb).toEqual([]);
    }
    expect(outputs.open).toMatchObject({ has_truth: true, annotated_pairs: 500 });
    expect((outputs.doctor as { data_dir: string }).data_dir).toBe(env.MLENS_DATA_DIR);
    // The Electron copy of better-sqlite3: its state by the ABI compiled into it.
    expect((outputs.doctor as { electron_sqlite: string }).electron_sqlite).toMatch(/^(not built yet \(npm start builds it once for Electron \d|ok \(Electron \d|wrong ABI |no electron package)/);
  });

  it('lists spaces with id, name, encoder, dims, kind and parent, as a table and as JSON', () => {
    const j = mlens(['spaces', ds, '--json'], env);
    expect(j.code, j.stderr).toBe(0);
    const spaces = j.json().spaces as Array<Record<string, unknown>>;
    expect(spaces).toHaveLength(1);
    expect(spaces[0]).toMatchObject({ id: 'dataset', encoder: 'dataset', kind: 'folder', parent: null });
    expect(spaces[0].name).toBe('oracle (built from truth)');
    expect(spaces[0].dims).toBeGreaterThan(0);
    const t = mlens(['spaces', ds], env);
    expect(t.stdout.split('\n')[0]).toMatch(/^id\s+name\s+encoder\s+dims\s+kind\s+parent$/);
    expect(t.stdout).toMatch(/^dataset\s+oracle \(built from truth\)\s+dataset\s+\d+\s+folder\s+-$/m);
  });

  it('names the spaces in an unknown-space error and beside the id in eval JSON', () => {
    const bad = mlens(['eval', ds, '--space', 'nope', '--json'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no space with id nope in .* \(spaces: dataset \(oracle \(built from truth\)\)/);
    const ok = mlens(['eval', ds, '--space', 'dataset', '--json'], env);
    expect(ok.json().space).toMatchObject({ id: 'dataset', name: 'oracle (built from truth)' });
  });

  it('refuses to export nothing, then exports a false-negative flag that eval counts as verified', () => {
    const out = join(tmp.dir, 'labels.sqlite');
    const none = mlens(['export', ds, '--out', out, '--json'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/nothing to export from .*: it has no flags, review decisions or imported positives/);
    expect(existsSync(out)).toBe(false);

    const store = new ProjectStore(join(ds, '.mlens', 'project.sqlite'));
    store.addFlag({ kind: 'pair', image: 7, caption: 0 }, 'false_negative', 'cli');
    store.addFlag({ kind: 'pair', image: 1, caption: 5 }, 'wrong_annotation');
    store.close();
    const e = mlens(['export', ds, '--out', out, '--json'], env);
    expect(e.code, e.stderr).toBe(0);
    expect(e.json()).toMatchObject({ labels: 2, flags: 2, reviews: 0, imports: 0 });
    expect(camelKeys(e.json())).toEqual([]);
    const v = mlens(['eval', ds, '--space', 'dataset', '--positives', 'verified', '--json'], env);
    expect(v.json().verified).toMatchObject({ annotated: 500, from_flags: 1, removed_by_flags: 1, total: 500 });
  });

  it('says an option needs a value in one line, as text and as JSON, instead of a stack trace', () => {
    for (const args of [['eval', ds, '--space'], ['eval', ds, '--space', '--json']]) {
      const r = mlens(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^mlens eval: usage: --space needs a value/m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const j = mlens(['eval', ds, '--space', '--json'], env);
    expect(j.json().error).toMatchObject({ name: 'UsageError', message: expect.stringContaining('got the option --json') });
  });
});
