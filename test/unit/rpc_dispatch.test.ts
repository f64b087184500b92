// The generic dispatcher: a wire name `service.method` reaches api[service][method] only when both
// halves are own keys of the schema table, with the request its schema parsed; anything else is a
// RequestError before the service is touched.
import { describe, expect, it } from 'vitest';
import type { LensApi, LensMethod } from '../../src/shared/api.js';
import { isLensMethod, LENS_METHODS, parseLensMethod, requestSchemas } from '../../src/shared/schemas.js';
import { createDispatch } from '../../src/main/rpc/dispatch.js';

/** A LensApi whose every method records its call and answers with its own wire name. */
function recordingApi(): { api: LensApi; calls: Array<{ method: string; arg: unknown; args: number }> } {
  const calls: Array<{ method: string; arg: unknown; args: number }> = [];
  const api = Object.fromEntries(
    Object.entries(requestSchemas).map(([service, methods]) => [
      service,
      Object.fromEntries(
        Object.keys(methods).map((m) => [
          m,
          async (...args: unknown[]) => {
            calls.push({ method: `${service}.${m}`, arg: args[0], args: args.length });
            return `${service}.${m}`;
          },
        ]),
      ),
    ]),
  ) as unknown as LensApi;
  return { api, calls };
}

describe('dispatch of service.method', () => {
  it('lists every method of every service by its dotted name', () => {
    expect(LENS_METHODS).toContain('labels.addFlag');
    expect(LENS_METHODS).toContain('app.info');
    expect(LENS_METHODS).toContain('export.write');
    expect(LENS_METHODS.every((m) => /^[a-z]+\.[A-Za-z]+$/.test(m))).toBe(true);
    expect(new Set(LENS_METHODS).size).toBe(LENS_METHODS.length);
    // Services and methods share names (labels.undo, review.undo) without clashing.
    expect(LENS_METHODS.filter((m) => m.endsWith('.undo')).sort()).toEqual(['labels.undo', 'review.undo']);
  });

  it('runs each method on its own service with the parsed request; methods without one get nothing', async () => {
    const { api, calls } = recordingApi();
    const dispatch = createDispatch(api);
    expect(await dispatch('app.info', null)).toBe('app.info');
    expect(await dispatch('labels.undo', undefined)).toBe('labels.undo');
    expect(await dispatch('review.undo', {})).toBe('review.undo');
    expect(calls.map((c) => [c.method, c.arg])).toEqual([
      ['app.info', undefined],
      ['labels.undo', undefined],
      ['review.undo', undefined],
    ]);
    const req = { target: { kind: 'pair', image: 1, caption: 2 }, label: 'ambiguous' };
    expect(await dispatch('labels.addFlag', req)).toBe('labels.addFlag');
    expect(calls.at(-1)).toEqual({ method: 'labels.addFlag', arg: req, args: 1 });
  });

  it('refuses prototype keys, missing halves and flat names before touching the service', async () => {
    const { api, calls } = recordingApi();
    const dispatch = createDispatch(api);
    const bogus: unknown[] = [
      'labels.__proto__', 'labels.constructor', 'labels.hasOwnProperty', 'labels.toString', '__proto__.info', 'constructor.x',
      'constructor.constructor', 'toString.call', 'app', 'app.', '.info', '.', 'app..info', 'app.info.x', 'App.info', 'app.info ',
      'appInfo', 'addFlag', '__proto__', 'constructor', '', 'x'.repeat(100), null, undefined, 42, ['app.info'], { toString: () => 'app.info' },
    ];
    for (const name of bogus) {
      expect(parseLensMethod(name), String(name)).toBeNull();
      expect(isLensMethod(name)).toBe(false);
      await expect(dispatch(name, null), String(name)).rejects.toMatchObject({ name: 'RequestError', message: expect.stringMatching(/^unknown method /) });
    }
    expect(calls).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the method meant when a name has the right method under another service or none', async () => {
    const dispatch = createDispatch(recordingApi().api);
    await expect(dispatch('addFlag', null)).rejects.toThrow('unknown method "addFlag" (did you mean labels.addFlag?); methods are named service.method');
    await expect(dispatch('app.addFlags', null)).rejects.toThrow('(did you mean labels.addFlags?)');
    await expect(dispatch('undo', null)).rejects.toThrow('(did you mean review.undo or labels.undo?)');
    await expect(dispatch('labels.__proto__', null)).rejects.toThrow(/^unknown method "labels.__proto__"; methods are named/);
    await expect(dispatch('getSession', null)).rejects.toThrow(/^unknown method "getSession"; /);
  });

  it('validates the request against its own method’s schema and names the method in the error', async () => {
    const { api, calls } = recordingApi();
    const dispatch = createDispatch(api);
    await expect(dispatch('labels.removeFlag', { id: 'one' })).rejects.toThrow(/^invalid request for labels\.removeFlag: id: /);
    await expect(dispatch('labels.removeFlag', { id: 1, extra: true })).rejects.toThrow(/invalid request for labels\.removeFlag/);
    await expect(dispatch('labels.undo', { id: 1 })).rejects.toThrow(/invalid request for labels\.undo/);
    await expect(dispatch('datasets.open', null)).rejects.toThrow(/invalid request for datasets\.open/);
    await expect(dispatch('labels.addFlag', JSON.parse('{"__proto__":{"polluted":true},"target":{"kind":"pair","image":0,"caption":0},"label":"ambiguous"}'))).rejects.toThrow(/invalid request for labels\.addFlag/);
    expect(calls).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers a method its service does not implement with an error, not a crash', async () => {
    const { api } = recordingApi();
    delete (api.labels as unknown as Record<string, unknown>).redo;
    await expect(createDispatch(api)('labels.redo', null)).rejects.toThrow(/labels\.redo is not implemented/);
  });

  it('calls a method on its service object, so class-based services keep `this`', async () => {
    const { api } = recordingApi();
    class Labels {
      private readonly flags = ['f'];
      async listFlags() {
        return this.flags;
      }
    }
    const labels = Object.assign(new Labels(), { ...api.labels, listFlags: Labels.prototype.listFlags });
    const withClass = { ...api, labels } as unknown as LensApi;
    expect(await createDispatch(withClass)('labels.listFlags' satisfies LensMethod, null)).toEqual(['f']);
  });
});
