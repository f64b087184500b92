// The layer rules of STYLE.md, checked on the source: shared imports nothing runtime-specific,
// core never imports electron, the renderer never imports Node.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../helpers/server.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(n) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

const NODE = /^(node:|fs$|path$|os$|child_process$|worker_threads$|crypto$|better-sqlite3$|ws$)/;

describe('layer rules', () => {
  it('src/shared imports nothing runtime-specific', () => {
    for (const f of files(join(root, 'src', 'shared'))) for (const i of imports(f)) expect(NODE.test(i) || i === 'electron', `${f} imports ${i}`).toBe(false);
  });
  it('src/main/core never imports electron', () => {
    for (const f of files(join(root, 'src', 'main', 'core'))) expect(imports(f), f).not.toContain('electron');
  });
  it('src/renderer never imports Node or electron', () => {
    for (const f of files(join(root, 'src', 'renderer'))) for (const i of imports(f)) expect(NODE.test(i) || i === 'electron', `${f} imports ${i}`).toBe(false);
  });
  it('the Electron window keeps the security checklist on', () => {
    const src = readFileSync(join(root, 'src', 'main', 'index.ts'), 'utf8');
    expect(src).toMatch(/contextIsolation: true/);
    expect(src).toMatch(/sandbox: true/);
    expect(src).toMatch(/nodeIntegration: false/);
    expect(src).not.toMatch(/file:\/\/|loadFile\(/);
  });
});
