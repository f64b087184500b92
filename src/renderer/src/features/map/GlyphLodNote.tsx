// The glyph legend's level-of-detail note ("glyphs shown for the 3,000 largest on screen; zoom in for
// more"). The map reports its glyph selection through `onGlyphLod` while the user zooms; a tiny store
// keeps that out of App's state, so only this line re-renders, not the whole app.
import { useState, useSyncExternalStore, type JSX } from 'react';
import { glyphLodNote, type GlyphLodStats } from '../../map/MapView';

export interface GlyphLodStore {
  /** Pass as the map's `onGlyphLod`. */
  set(stats: GlyphLodStats | null): void;
  get(): GlyphLodStats | null;
  subscribe(fn: () => void): () => void;
}

function createGlyphLodStore(): GlyphLodStore {
  let value: GlyphLodStats | null = null;
  const listeners = new Set<() => void>();
  return {
    set(stats) {
      value = stats;
      for (const fn of listeners) fn();
    },
    get: () => value,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** One store for the lifetime of the calling component. */
export function useGlyphLodStore(): GlyphLodStore {
  return useState(createGlyphLodStore)[0];
}

export function GlyphLodNote({ store }: { store: GlyphLodStore }): JSX.Element | null {
  const stats = useSyncExternalStore(store.subscribe, store.get);
  const note = glyphLodNote(stats);
  if (!note) return null;
  return (
    <div className="glyph-lod-note" data-testid="glyph-lod-note" data-limit={stats?.limit} title="A level of detail for drawing speed, not missing data: every item is still drawn as a point.">
      {note}
    </div>
  );
}
