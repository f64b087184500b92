// The layer rules of STYLE.md, checked on the source: shared imports nothing runtime-specific,
// core never imports electron, the renderer never imports Node, and each folder of src/main/core
// imports only the core folders its row of CORE_ALLOWED names.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { root } from '../helpers/server.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(n) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:from\s+|import\s*\(\s*|import\s+|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

// Which core folders each folder of src/main/core may import (besides itself and src/shared).
// Read a row as "core/<key> may import core/<value>". The rows form a layering: no cycles (checked
// below). A new folder fails the test until it has a row here.
const CORE_ALLOWED: Record<string, readonly string[]> = {
  // Leaves: plain helpers every layer may build on.
  tensor: [],
  io: [],
  jobs: ['io'],
  store: [],
  compute: ['io', 'jobs', 'tensor'],
  // Data in.
  sample: ['io'],
  datasets: ['io', 'sample'],
  spaces: ['datasets', 'io', 'store', 'tensor'],
  // Labels and decisions.
  review: ['io', 'store'],
  labels: ['datasets', 'review', 'store'],
  // Numbers over embeddings.
  metrics: ['compute', 'io', 'jobs', 'tensor'],
  glyphs: ['compute', 'heads', 'metrics', 'tensor'],
  projection: ['compute', 'glyphs', 'io', 'jobs', 'metrics', 'tensor'],
  // Models and the analyses built on them.
  encoders: ['compute', 'datasets', 'io', 'jobs', 'sample', 'spaces', 'store', 'tensor'],
  heads: ['compute', 'datasets', 'encoders', 'io', 'jobs', 'labels', 'metrics', 'sample', 'spaces', 'store', 'tensor'],
  mining: ['compute', 'datasets', 'io', 'jobs', 'labels', 'metrics', 'review', 'sample', 'spaces', 'store', 'tensor'],
  export: ['datasets', 'io', 'labels', 'mining', 'review', 'spaces', 'store'],
  // One opened dataset with its store and spaces; the services over it; the app over everything.
  project: ['datasets', 'encoders', 'heads', 'io', 'jobs', 'labels', 'mining', 'projection', 'review', 'sample', 'spaces', 'store', 'tensor'],
  services: [
    'compute', 'datasets', 'encoders', 'export', 'glyphs', 'heads', 'io', 'jobs', 'labels', 'metrics',
    'mining', 'project', 'projection', 'review', 'sample', 'spaces', 'store', 'tensor',
  ],
  app: [
    'compute', 'datasets', 'encoders', 'export', 'glyphs', 'heads', 'io', 'jobs', 'labels', 'metrics',
    'mining', 'project', 'projection', 'review', 'sample', 'spaces', 'store', 'tensor', 'services',
  ],
};

// Imports against the table that exist today, as "file (under src/main/core) -> folder". Each one
// is tolerated until it is gone; an entry whose import has gone fails the test, so the list only
// shrinks.
// Being removed in parallel (the version string moves out of core/app): MERGER, empty this list.
const BEING_REMOVED: string[] = [];
// Older back-edges nobody is moving this round; each names what should move.
const TOLERATED = [
  // normalizeRel and PathEscapeError are path policy; they belong in io/.
  'io/image_file.ts -> datasets',
  // The safetensors reader is a file format, not an encoder; it belongs in io/ or datasets/.
  'datasets/embeddings.ts -> encoders',
  // Label export is started from the label service; the call belongs one layer up (services/app).
  'labels/label_service.ts -> export',
];

const coreDir = join(root, 'src', 'main', 'core');
const sharedDir = join(root, 'src', 'shared');
const workersDir = join(root, 'src', 'main', 'workers');

function typeOnly(file: string, spec: string): boolean {
  const src = readFileSync(file, 'utf8');
  const esc = spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const all = [...src.matchAll(new RegExp(`import\\s+(type\\s+)?[^;]*?from\\s+['"]${esc}['"]`, 'g'))];
  return all.length > 0 && all.every((m) => m[1]);
}

/** Every relative import of a core file that leaves its own folder: [file, specifier, target folder or null (outside core)]. */
function coreEdges(): { file: string; folder: string; spec: string; target: string | null }[] {
  const out: { file: string; folder: string; spec: string; target: string | null }[] = [];
  for (const f of files(coreDir)) {
    const rel = relative(coreDir, f).split(sep).join('/');
    const folder = rel.split('/')[0];
    for (const spec of imports(f)) {
      if (!spec.startsWith('.')) continue;
      const abs = resolve(dirname(f), spec);
      const inCore = relative(coreDir, abs);
      if (inCore.startsWith('..')) {
        if (!relative(sharedDir, abs).startsWith('..')) continue;
        // The worker RPC types a call from the worker module's functions: a type-only import of
        // src/main/workers is erased at build time and adds no runtime edge.
        if (!relative(workersDir, abs).startsWith('..') && typeOnly(f, spec)) continue;
        out.push({ file: rel, folder, spec, target: null });
        continue;
      }
      const target = inCore.split(sep)[0];
      if (target !== folder) out.push({ file: rel, folder, spec, target });
    }
  }
  return out;
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
  it('every folder of src/main/core has a row in the allowed-imports table', () => {
    const folders = readdirSync(coreDir).filter((n) => statSync(join(coreDir, n)).isDirectory());
    const missing = folders.filter((n) => !(n in CORE_ALLOWED));
    expect(
      missing.map((n) => `src/main/core/${n} is a new folder: add a row for it to CORE_ALLOWED in test/unit/layers.test.ts`),
    ).toEqual([]);
    const loose = readdirSync(coreDir).filter((n) => /\.tsx?$/.test(n));
    expect(loose.map((n) => `src/main/core/${n}: code in core lives in a folder`)).toEqual([]);
  });

  it('the allowed-imports table is a layering (no folder reaches itself)', () => {
    const cycles: string[] = [];
    const walk = (start: string, at: string, path: string[]): void => {
      for (const next of CORE_ALLOWED[at] ?? []) {
        if (next === start) cycles.push([...path, next].join(' -> '));
        else if (!path.includes(next)) walk(start, next, [...path, next]);
      }
    };
    for (const f of Object.keys(CORE_ALLOWED)) walk(f, f, [f]);
    expect(cycles).toEqual([]);
    for (const [f, allowed] of Object.entries(CORE_ALLOWED)) for (const a of allowed) expect(a in CORE_ALLOWED, `${f} allows unknown ${a}`).toBe(true);
  });

  it('each folder of src/main/core imports only the core folders the table allows, and only src/shared outside core', () => {
    const known = new Set([...BEING_REMOVED, ...TOLERATED]);
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const e of coreEdges()) {
      if (e.target === null) {
        problems.push(`src/main/core/${e.file} imports '${e.spec}': core imports only core and src/shared`);
        continue;
      }
      const allowed = CORE_ALLOWED[e.folder];
      if (!allowed || allowed.includes(e.target)) continue;
      const key = `${e.file} -> ${e.target}`;
      if (known.has(key)) {
        seen.add(key);
        continue;
      }
      problems.push(
        `src/main/core/${e.file} imports '${e.spec}' (core/${e.target}), but core/${e.folder} may import only: ${allowed.join(', ') || 'nothing in core'}`,
      );
    }
    for (const k of known) if (!seen.has(k)) problems.push(`${k} is listed as a known back-edge but no longer exists: remove it from BEING_REMOVED/TOLERATED`);
    expect(problems).toEqual([]);
  });

  it('the Electron window keeps the security checklist on', () => {
    const src = readFileSync(join(root, 'src', 'main', 'index.ts'), 'utf8');
    expect(src).toMatch(/contextIsolation: true/);
    expect(src).toMatch(/sandbox: true/);
    expect(src).toMatch(/nodeIntegration: false/);
    expect(src).not.toMatch(/file:\/\/|loadFile\(/);
  });
});
