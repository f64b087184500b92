// The map's selection toolbar: drag tool (pan / lasso / marquee), how a new shape combines with the
// selection, the selection count chip, and what to do with it: flag every item or annotated pair in
// it with one label (one batched, durable call per 20,000 targets), send it to review as one unit
// (Shift+R), export it as SQLite (Shift+E) or Parquet (written by main, same path rules as every
// export) or download it as CSV, or clear it.

import { useEffect, useMemo, useRef, useState, type JSX } from 'react';
import type { ItemTable, LensApi, SelectionExportFormat, SelectionExportResult } from '../../../shared/api';
import { FLAG_LABELS, FLAG_LABEL_TEXT, type FlagLabel } from '../../../shared/flags';
import { SELECTION_OPS, SELECTION_OP_TEXT } from './algebra';
import { encodeSelectionBits } from '../../../shared/selection_bits';
import { selectionCounts, selectionCsv, selectionTargets, type SelectionTargetKind } from './targets';
import type { MapSelection, SelectTool } from './useMapSelection';

const TOOLS: Array<[SelectTool, string, string]> = [
  ['pan', 'Pan', 'Drag pans the map; Shift-drag still lassos'],
  ['lasso', 'Lasso', 'Drag draws a free-hand lasso'],
  ['marquee', 'Marquee', 'Drag draws a rectangle'],
];
const BATCH = 20_000;

export const SELECTION_HELP =
  'Shift-drag: lasso, adding to the selection. Alt-drag: lasso, subtracting. Shift+Alt-drag: intersect. ' +
  'With the Lasso or Marquee tool a plain drag selects with the chosen mode (New, Add, Intersect, Subtract). ' +
  'Points outside the selection stay visible, greyed. Esc clears it. Shift+R sends it to review, Shift+E exports it as SQLite.';

/** Keys that act on the selection (listed in the `?` help). */
export const SELECTION_KEYS = { review: 'R', exportSqlite: 'E' } as const;

export function SelectionBar(props: {
  api: LensApi;
  selection: MapSelection;
  nImages: number;
  items: ItemTable | null;
  xy: Float32Array | null;
  onNotice: (s: string) => void;
  onError: (e: unknown) => void;
}): JSX.Element {
  const { api, selection: sel, nImages, items, xy } = props;
  const [label, setLabel] = useState<FlagLabel>('ambiguous');
  const [target, setTarget] = useState<SelectionTargetKind>('items');
  const [busy, setBusy] = useState(false);
  const [exported, setExported] = useState<SelectionExportResult | null>(null);
  const captionImage = useMemo(() => Int32Array.from(items?.captions ?? [], (c) => c.imageIndex), [items]);
  const counts = useMemo(() => (sel.mask ? selectionCounts(sel.mask, nImages, captionImage) : null), [sel.mask, nImages, captionImage]);

  const flag = async (): Promise<void> => {
    if (!sel.mask) return;
    const targets = selectionTargets(sel.mask, nImages, captionImage, target);
    if (targets.length === 0) return props.onNotice(target === 'pairs' ? 'No annotated pair has both its image and its caption in the selection' : 'Nothing selected');
    setBusy(true);
    let added = 0;
    let skipped = 0;
    try {
      for (let k = 0; k < targets.length; k += BATCH) {
        const batch = targets.slice(k, k + BATCH);
        const r = await api.labels.addFlags({ targets: batch, label, source: 'lasso', selection: `${sel.count} points selected on the map` });
        added += r.length;
        skipped += batch.length - r.length;
      }
      props.onNotice(`Flagged ${added} ${target === 'pairs' ? 'pairs' : 'items'} as ${FLAG_LABEL_TEXT[label]}${skipped ? ` (${skipped} already were)` : ''}`);
    } catch (e) {
      props.onError(e);
    } finally {
      setBusy(false);
    }
  };

  const sendToReview = async (): Promise<void> => {
    if (!sel.mask || busy) return;
    setBusy(true);
    try {
      const r = await api.review.sendSelection({ bits: encodeSelectionBits(sel.mask) });
      props.onNotice(`${r.message}. Undo: u in the Review tab.`);
    } catch (e) {
      props.onError(e);
    } finally {
      setBusy(false);
    }
  };

  const exportFile = async (format: SelectionExportFormat): Promise<void> => {
    if (!sel.mask || busy) return;
    setBusy(true);
    try {
      const r = await api.export.writeSelection({ bits: encodeSelectionBits(sel.mask), format });
      setExported(r);
      props.onNotice(`Exported ${r.images} images and ${r.captions} captions (${r.labels} labels) to ${r.path}`);
      if (r.downloadUrl) {
        const a = document.createElement('a');
        a.href = r.downloadUrl;
        a.download = r.path.split(/[\\/]/).pop() ?? `selection.${format}`;
        document.body.appendChild(a);
        a.click();
        a.remove();
      }
    } catch (e) {
      props.onError(e);
    } finally {
      setBusy(false);
    }
  };

  // Shift+R: send to review; Shift+E: export as SQLite (not while typing).
  const keyActions = useRef({ sendToReview, exportFile });
  useEffect(() => {
    keyActions.current = { sendToReview, exportFile };
  });
  const hasSelection = !!sel.mask;
  useEffect(() => {
    if (!hasSelection) return;
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (e.ctrlKey || e.metaKey || e.altKey || !e.shiftKey) return;
      if (e.key === SELECTION_KEYS.review) void keyActions.current.sendToReview();
      else if (e.key === SELECTION_KEYS.exportSqlite) void keyActions.current.exportFile('sqlite');
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [hasSelection]);

  const exportCsv = (): void => {
    if (!sel.mask || !items || !xy) return;
    const blob = new Blob([selectionCsv(sel.mask, nImages, items, xy)], { type: 'text/csv' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `selection-${sel.count}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  return (
    <div className="selection-bar" data-testid="selection-bar" title={SELECTION_HELP}>
      <span role="radiogroup" aria-label="drag tool" className="seg">
        {TOOLS.map(([t, name, help]) => (
          <button key={t} type="button" role="radio" aria-checked={sel.tool === t} data-testid={`tool-${t}`} className={sel.tool === t ? 'on' : ''} title={help} onClick={() => sel.setTool(t)}>
            {name}
          </button>
        ))}
      </span>
      <span role="radiogroup" aria-label="selection mode" className="seg">
        {SELECTION_OPS.map((o) => (
          <button key={o} type="button" role="radio" aria-checked={sel.op === o} data-testid={`op-${o}`} className={sel.op === o ? 'on' : ''} onClick={() => sel.setOp(o)}>
            {SELECTION_OP_TEXT[o]}
          </button>
        ))}
      </span>
      {sel.mask && counts ? (
        <>
          <span className="chip" data-testid="selection-count" data-count={sel.count} title={`${counts.images} images, ${counts.captions} captions, ${counts.pairs} annotated pairs inside`}>
            {sel.count.toLocaleString()} selected
          </span>
          <select aria-label="flag the selection as" data-testid="selection-label" value={label} onChange={(e) => setLabel(e.target.value as FlagLabel)}>
            {FLAG_LABELS.map((l) => (
              <option key={l} value={l}>{FLAG_LABEL_TEXT[l]}</option>
            ))}
          </select>
          <select aria-label="flag what" data-testid="selection-target" value={target} onChange={(e) => setTarget(e.target.value as SelectionTargetKind)}>
            <option value="items">each item ({(counts.images + counts.captions).toLocaleString()})</option>
            <option value="pairs">each annotated pair inside ({counts.pairs.toLocaleString()})</option>
          </select>
          <button type="button" data-testid="selection-flag" disabled={busy} onClick={() => void flag()}>
            {busy ? 'Flagging…' : 'Flag'}
          </button>
          <button type="button" data-testid="selection-review" disabled={busy || counts.images === 0 || counts.captions === 0} onClick={() => void sendToReview()} title="Send the selected captions × images to review as one unit, first in the queue (Shift+R)">
            Review
          </button>
          <button type="button" data-testid="selection-sqlite" disabled={busy} onClick={() => void exportFile('sqlite')} title="Export the selection (items, map x/y, their labels) as SQLite (Shift+E)">
            SQLite
          </button>
          <button type="button" data-testid="selection-parquet" disabled={busy} onClick={() => void exportFile('parquet')} title="Export the selected items with their map x/y as Parquet">
            Parquet
          </button>
          <button type="button" data-testid="selection-csv" disabled={!items} onClick={exportCsv} title="Download the selected items as CSV">
            CSV
          </button>
          {exported && <span hidden data-testid="selection-exported" data-path={exported.path} data-format={exported.format} />}
          <button type="button" className="x" aria-label="clear selection" data-testid="selection-clear" onClick={sel.clear}>
            ×
          </button>
        </>
      ) : (
        <span className="muted small">Shift-drag to lasso</span>
      )}
    </div>
  );
}
