// The renderer's API proxy: api.service.method(arg) becomes one call of the wire name
// `service.method`; looking at the api (awaiting it, printing it) sends nothing.
import { describe, expect, it } from 'vitest';
import type { LensMethod } from '../../src/shared/api.js';
import { apiProxy } from '../../src/renderer/src/transport/transport.js';

function recording() {
  const calls: Array<[LensMethod, unknown]> = [];
  const api = apiProxy(async (method, arg) => {
    calls.push([method, arg]);
    return `answer of ${method}`;
  });
  return { api, calls };
}

describe('renderer api proxy', () => {
  it('sends service.method with the request, and returns the answer', async () => {
    const { api, calls } = recording();
    const req = { target: { kind: 'pair' as const, image: 1, caption: 2 }, label: 'ambiguous' as const };
    expect(await api.labels.addFlag(req)).toBe('answer of labels.addFlag');
    expect(await api.app.info()).toBe('answer of app.info');
    await api.export.write({ overwrite: true });
    // Same method name on two services: each goes to its own.
    await api.labels.undo();
    await api.review.undo();
    expect(calls).toEqual([
      ['labels.addFlag', req],
      ['app.info', undefined],
      ['export.write', { overwrite: true }],
      ['labels.undo', undefined],
      ['review.undo', undefined],
    ]);
  });

  it('gives the same function for a method each time (stable as a React dependency)', () => {
    const { api } = recording();
    expect(api.labels).toBe(api.labels);
    expect(api.labels.addFlag).toBe(api.labels.addFlag);
    expect(api.labels.undo).not.toBe(api.review.undo);
  });

  it('is not a thenable: awaiting the api or a service sends no call', async () => {
    const { api, calls } = recording();
    expect(await Promise.resolve(api)).toBe(api);
    expect(await Promise.resolve(api.labels)).toBe(api.labels);
    expect(String(Object.prototype.toString.call(api.labels))).toBe('[object Object]');
    expect(calls).toEqual([]);
  });
});
