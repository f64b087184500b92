// The browser-mode folder picker may only list folders inside the roots the user allowed: real
// folders on disk, a symlink that escapes, `~` and relative paths.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FolderAccessError, FolderBrowser, expandUserPath } from '../../src/main/core/datasets/folder_browser.js';
import { LensService } from '../../src/main/core/app/lens_service.js';
import { createDispatch } from '../../src/main/rpc/dispatch.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-folders-');
const base = realpathSync(tmp.dir);
const home = join(base, 'home');
const allowed = join(home, 'data');
const outside = join(base, 'secret');
mkdirSync(join(allowed, 'coco', 'annotations'), { recursive: true });
mkdirSync(join(allowed, 'plain'), { recursive: true });
mkdirSync(join(allowed, '.hidden'), { recursive: true });
mkdirSync(outside, { recursive: true });
writeFileSync(join(allowed, 'plain', 'captions.jsonl'), '{"image":"a.png","caption":"a cat"}\n');
symlinkSync(outside, join(allowed, 'escape'));
afterAll(() => tmp.cleanup());

describe('folder browser confinement', () => {
  it('resolves ~ and relative paths', () => {
    expect(expandUserPath('~', home)).toBe(home);
    expect(expandUserPath('~/data', home)).toBe(allowed);
    expect(expandUserPath('data/plain', home, home)).toBe(join(allowed, 'plain'));
  });

  it('lists the sub-folders of an allowed root, marks datasets, hides dot-folders and escaping links', () => {
    const b = new FolderBrowser([allowed], home);
    const l = b.list();
    expect(l.path).toBe(allowed);
    expect(l.parent).toBeNull(); // the root's parent is outside
    expect(l.folders.map((f) => f.name)).toEqual(['coco', 'plain']);
    expect(l.folders.find((f) => f.name === 'plain')!.dataset).toBe(true);
    expect(l.folders.find((f) => f.name === 'coco')!.dataset).toBe(false);
    const sub = b.list(join(allowed, 'plain'));
    expect(sub.parent).toBe(allowed);
    expect(sub.dataset).toBe(true);
  });

  it('refuses a path outside the allowed roots, also through a symlink or ..', () => {
    const b = new FolderBrowser([allowed], home);
    expect(() => b.list(outside)).toThrow(FolderAccessError);
    expect(() => b.list(outside)).toThrow(/outside the folders this server may browse/);
    expect(() => b.list(join(allowed, 'escape'))).toThrow(/outside/);
    expect(() => b.list(join(allowed, '..', '..', 'secret'))).toThrow(/outside/);
    expect(() => b.list('/')).toThrow(/outside/);
  });

  it('resolves ~ against the home folder, and an allowed root given as ~ is the home folder', () => {
    const h = new FolderBrowser(['~'], home);
    expect(h.roots).toEqual([home]);
    expect(h.list('~').path).toBe(home);
    expect(h.list('~').folders.map((f) => f.name)).toEqual(['data']);
    expect(h.list('~/data').folders.map((f) => f.name)).toEqual(['coco', 'plain']);
  });

  it('is reachable through the API with its schema, and refuses outside paths there too', async () => {
    const service = new LensService({ dataDir: join(base, 'app-data'), mode: 'browser', allowedRoots: [allowed] });
    const dispatch = createDispatch(service.api);
    const l = (await dispatch('app.listDirectory', { path: join(allowed, 'plain') })) as { path: string; dataset: boolean; roots: string[] };
    expect(l.path).toBe(join(allowed, 'plain'));
    expect(l.roots).toEqual([allowed]);
    await expect(dispatch('app.listDirectory', { path: outside })).rejects.toThrow(/outside/);
    await expect(dispatch('app.listDirectory', { path: 42 })).rejects.toThrow(/invalid request for app\.listDirectory/);
    service.close();
  });
});
