// core/compute is the bottom of the numeric code: it imports only itself, Node, the shared seeded
// generator, the job vocabulary (CancelledError) and the rows-on-disk helpers of core/io (RowBlocks,
// row samples, the package root for the NN-descent worker; io imports nothing), never a folder above it (compute/CONTEXT.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/server.js';

const dir = join(root, 'src', 'main', 'core', 'compute');
const ALLOWED = /^(node:|\.\/[a-z_]+\.js$|\.\.\/jobs\/job\.js$|\.\.\/io\/(row_shards|row_sample|package_root)\.js$|\.\.\/\.\.\/\.\.\/shared\/random\.js$)/;

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('core/compute', () => {
  it('imports nothing above it', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) for (const i of imports(join(dir, f))) expect(ALLOWED.test(i), `${f} imports ${i}`).toBe(true);
  });
});
