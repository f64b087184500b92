// The renderer's session store: transport events change the state before any feature hears of
// them, a new dataset resets what belonged to the old one, and features refetch on signals, not
// on counters.
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/renderer/src/store/store.js';
import { LensStore, type LensSignal } from '../../src/renderer/src/store/lens_store.js';
import type { Transport } from '../../src/renderer/src/transport/transport.js';
import type { Memory } from '../../src/renderer/src/store/state.js';
import type { LensApi, LensEvent, Projection, Session } from '../../src/shared/api.js';
import type { DatasetSummary } from '../../src/shared/dataset.js';
import { packFlags } from '../../src/shared/flag_table.js';

function session(hash: string | null, spaceId: string | null = 's1'): Session {
  const dataset = hash ? ({ root: `/data/${hash}`, hash, name: hash } as unknown as DatasetSummary) : null;
  return { dataset, storePath: null, canUndo: false, canRedo: false, spaceId, spaces: [], lastMining: null };
}

function projection(nImages: number): Projection {
  return { xy: new Float32Array(2 * (nImages + 2)), nImages, nCaptions: 2, method: 'umap', params: { nNeighbors: 15, minDist: 0.1, nEpochs: 10, seed: 1 }, seconds: 0, cached: true };
}

/** A transport whose API answers from a table and whose events the test emits. */
function fakeTransport(): { transport: Transport; emit: (e: LensEvent) => void; calls: string[] } {
  const listeners = new Set<(e: LensEvent) => void>();
  const calls: string[] = [];
  const answers: Record<string, (arg: unknown) => unknown> = {
    'app.info': () => ({ version: '0', mode: 'browser', backend: 'js', dataDir: '/d', canPickFolder: false }),
    'app.session': () => session(null),
    'datasets.items': () => ({ images: [{ id: 'a', path: 'a.png', missing: false, split: null }], captions: [] }),
    'labels.flagTable': () => packFlags([]),
    'projection.get': () => projection(3),
    'spaces.itemDetail': (arg) => ({ ...(arg as object), partners: [], neighbors: [], truePartners: null }),
  };
  const api = new Proxy({} as LensApi, {
    get: (_t, service) =>
      new Proxy({}, {
        get: (_u, method) => async (arg: unknown) => {
          const name = `${String(service)}.${String(method)}`;
          calls.push(name);
          const answer = answers[name];
          if (!answer) throw new Error(`no answer for ${name}`);
          return answer(arg);
        },
      }),
  });
  const transport: Transport = {
    api,
    onEvent: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    imageUrl: (p) => `/lens/${p}`,
    mode: 'browser',
  };
  return { transport, emit: (e) => listeners.forEach((fn) => fn(e)), calls };
}

/** Preferences kept in a Map (localStorage in the app). */
function memory(): Memory {
  const m = new Map<string, string>();
  return { get: (k) => m.get(k) ?? null, set: (k, v) => void m.set(k, v) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('typed store', () => {
  it('tells its listeners only when a value changed', () => {
    const s = createStore({ a: 1, b: 'x' });
    let told = 0;
    s.subscribe(() => told++);
    s.set({ a: 1 });
    expect(told).toBe(0);
    s.set((st) => ({ a: st.a + 1 }));
    expect(told).toBe(1);
    expect(s.get()).toEqual({ a: 2, b: 'x' });
  });
});

describe('LensStore', () => {
  it('applies an event to the state before features get the signal', () => {
    const { transport, emit } = fakeTransport();
    const store = new LensStore(transport, memory());
    const stop = store.start();
    const seen: Array<[LensSignal['type'], number | null]> = [];
    store.onSignal((s) => seen.push([s.type, store.get().decisions]));
    emit({ type: 'reviews', decisions: 7, canUndo: true });
    emit({ type: 'flags', table: packFlags([]), canUndo: true, canRedo: false });
    expect(seen).toEqual([['reviews', 7], ['flags', 7]]);
    expect(store.get().undoRedo).toEqual({ canUndo: true, canRedo: false });
    stop();
  });

  it('keeps running jobs and drops them when they end; a failed job (not the map) shows its error', () => {
    const { transport, emit } = fakeTransport();
    const store = new LensStore(transport, memory());
    store.start();
    emit({ type: 'job', jobId: 'j1', kind: 'encode', state: 'running', phase: 'images', done: 1, total: 4 });
    expect(Object.keys(store.get().jobs)).toEqual(['j1']);
    emit({ type: 'job', jobId: 'j1', kind: 'encode', state: 'error', phase: 'images', done: 1, total: 4, message: 'model folder incomplete' });
    expect(store.get().jobs).toEqual({});
    expect(store.get().error).toBe('model folder incomplete');
  });

  it('loads items, flags and the map of a new dataset, and clears what belonged to the previous one', async () => {
    const { transport, emit, calls } = fakeTransport();
    const store = new LensStore(transport, memory());
    store.start();
    await settle();
    emit({ type: 'session', session: session('h1') });
    await settle();
    await settle();
    expect(store.get().items?.images).toHaveLength(1);
    expect(store.get().projection?.nImages).toBe(3);
    expect(store.get().folder).toBe('/data/h1');

    store.select('caption', 1);
    await settle();
    expect(store.get().selected).toEqual({ kind: 'caption', index: 1 });
    expect(store.get().detail?.index).toBe(1);
    expect(store.get().tab).toBe('inspect');
    expect(store.pointOf('caption', 1)).toBe(4);
    store.set({ notice: 'Flag saved', pushPair: { image: 0, caption: 1 } });

    const projections = calls.filter((c) => c === 'projection.get').length;
    emit({ type: 'session', session: session('h1') });
    await settle();
    expect(calls.filter((c) => c === 'projection.get').length).toBe(projections);
    expect(store.get().selected).not.toBeNull();

    emit({ type: 'session', session: session('h2') });
    expect(store.get().selected).toBeNull();
    expect(store.get().detail).toBeNull();
    expect(store.get().notice).toBeNull();
    expect(store.get().pushPair).toBeNull();
    expect(store.get().folder).toBe('/data/h2');
  });

  it('sends a request to open a unit to the Review tab as a signal', () => {
    const { transport } = fakeTransport();
    const store = new LensStore(transport, memory());
    const opened: number[] = [];
    store.onSignal((s) => s.type === 'open-unit' && opened.push(s.id));
    store.openInReview(12);
    expect(store.get().tab).toBe('review');
    expect(opened).toEqual([12]);
    // The tab is remembered: the next store (a reload) starts on it.
    const mem = memory();
    new LensStore(transport, mem).setTab('metrics');
    expect(new LensStore(transport, mem).get().tab).toBe('metrics');
  });
});
