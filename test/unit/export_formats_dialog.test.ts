// The export confirmation offers every label format the CLI writes (`mlens export --format`), with
// the chosen one selected; rendered with React's server renderer (no browser here). React and the
// component are imported by computed names so the node typecheck does not take in React's DOM
// typings (they change the globals other tests' typings rely on).
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS } from '../../src/shared/labels.js';

type Render = (el: unknown) => string;
type CreateElement = (type: unknown, props: Record<string, unknown>) => unknown;

async function load<T>(name: string): Promise<T> {
  return (await import(/* @vite-ignore */ name)) as T;
}

describe('export dialog formats', () => {
  it('lists SQLite, Parquet, CSV, JSONL, CxC and ECCV, the chosen one selected', async () => {
    const { createElement } = await load<{ createElement: CreateElement }>(['re', 'act'].join(''));
    const { renderToStaticMarkup } = await load<{ renderToStaticMarkup: Render }>(['react-dom', 'server'].join('/'));
    const { ExportConfirm } = await load<{ ExportConfirm: unknown }>(['..', '..', 'src', 'renderer', 'src', 'features', 'labels', 'ExportConfirm.tsx'].join('/'));
    const preview = { total: 2, bySource: { click: 1, lasso: 1, review: 0, import: 0 }, flags: { false_negative: 2 }, reviews: {}, imports: 0 };
    const html = renderToStaticMarkup(createElement(ExportConfirm, { preview, format: 'eccv', onConfirm: () => {}, onCancel: () => {} }));
    const values = [...html.matchAll(/<option value="([a-z]+)"/g)].map((m) => m[1]);
    expect(values).toEqual([...EXPORT_FORMATS]);
    expect(values).toEqual(['sqlite', 'parquet', 'csv', 'jsonl', 'cxc', 'eccv']);
    expect(html).toMatch(/<option value="eccv" selected="">ECCV Caption positives/);
    expect(html).toContain('data-testid="export-format"');
  });
});
