// The WebSocket API under seeded random and mutated messages (every `service.method`, names that
// are not methods, wrong types, null, huge and deep values, over-size) and raw protocol violations
// over a plain TCP socket, against the real `serve` process on 127.0.0.1. Every message must get an
// answer or a closed connection, and the server must stay up: a later valid call on a fresh
// connection succeeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LensMethod, Projection } from '../../src/shared/api.js';
import { decodeWireBinary } from '../../src/shared/wire.js';
import { LENS_METHODS } from '../../src/shared/schemas.js';
import { mulberry32 } from '../../src/shared/random.js';
import { tempDir } from '../helpers/tmp.js';
import { connectApi, serveSample, until, type ServeHandle } from '../helpers/server.js';
import { frame, rawUpgrade } from './raw_ws.js';
import { record } from './report.js';

type Outcome = { kind: 'answer'; msg: any } | { kind: 'closed'; code: number } | { kind: 'timeout' };

/** A client that sends one message at a time and waits for its answer (events are skipped) or for the close. */
class OneAtATime {
  private waiter: ((o: Outcome) => void) | null = null;
  closed: number | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const msg = JSON.parse(String(d));
      if (msg.event) return;
      this.waiter?.(msg ? { kind: 'answer', msg } : { kind: 'answer', msg: null });
    });
    ws.on('close', (code) => {
      this.closed = code;
      this.waiter?.({ kind: 'closed', code });
    });
    ws.on('error', () => undefined);
  }

  static async open(h: ServeHandle): Promise<OneAtATime> {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/ws?token=${h.token}`, { origin: h.origin, maxPayload: 64 * 1024 * 1024 });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new OneAtATime(ws);
  }

  exchange(text: string | Buffer, timeoutMs = 30_000): Promise<Outcome> {
    if (this.closed != null) return Promise.resolve({ kind: 'closed', code: this.closed });
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
      const finish = (o: Outcome) => {
        clearTimeout(timer);
        this.waiter = null;
        resolve(o);
      };
      this.waiter = finish;
      this.ws.send(text, (err) => {
        if (err && this.closed != null) finish({ kind: 'closed', code: this.closed });
      });
    });
  }
}

// Valid requests for methods that are cheap on a 100-image sample. Methods that start long jobs
// (projection, encoding, training, mining, metrics, a new sample) are only ever sent invalid.
const CHEAP = {
  'app.info': null,
  'app.session': null,
  'app.pickFolder': null,
  'app.listDirectory': { path: '/nonexistent/mlens-fuzz' },
  'jobs.cancel': { jobId: 'nope' },
  'datasets.open': { path: '/nonexistent/mlens-fuzz' },
  'datasets.items': null,
  'datasets.search': { query: 'a', limit: 5 },
  'datasets.itemValues': null,
  'spaces.setActive': { spaceId: 'dataset' },
  'spaces.itemDetail': { kind: 'image', index: 3, k: 5 },
  'heads.stop': { jobId: 'nope' },
  'heads.list': null,
  'heads.uncertainty': {},
  'heads.pairCsd': { image: 0, caption: 0 },
  'mining.calibration': null,
  'review.queue': { limit: 5 },
  'review.unit': {},
  'review.record': { decisions: [{ image: 0, caption: 1, label: 2 }], reviewer: 'fuzz' },
  'review.undo': null,
  'labels.listFlags': null,
  'labels.flagTable': null,
  'labels.addFlag': { target: { kind: 'pair', image: 1, caption: 2 }, label: 'false_negative', note: 'fuzz' },
  'labels.addFlags': { targets: [{ kind: 'item', modality: 'caption', index: 4 }], label: 'ambiguous', source: 'lasso', selection: 'fuzz' },
  'labels.removeFlag': { id: 1 },
  'labels.undo': null,
  'labels.redo': null,
  'labels.list': null,
  'labels.importPositives': { path: '/nonexistent/positives.jsonl' },
  'metrics.multiplicity': null,
  'metrics.pairPush': { image: 0, caption: 0 },
  'export.preview': null,
  'export.write': {},
  'review.sendSelection': { images: [0, 1], captions: [0, 1] },
  'review.acceptSameText': { who: 'fuzz' },
  'export.writeSelection': { images: [0], captions: [0], format: 'csv', out: '/nonexistent/selection.csv' },
} satisfies Partial<Record<LensMethod, unknown>>;
// Every other method: a new method must be listed here or above, or this does not compile.
const HEAVY_TEMPLATE = {
  'datasets.openSample': { jobId: 'fz' },
  'spaces.encode': { jobId: 'fz', encoder: 'baseline' },
  'heads.train': { jobId: 'fz', head: 'pcme' },
  'mining.run': { jobId: 'fz' },
  'projection.get': { jobId: 'fz' },
  'projection.glyphs': { jobId: 'fz' },
  'metrics.table': {},
  'heads.partners': {},
} satisfies Record<Exclude<LensMethod, keyof typeof CHEAP>, Record<string, unknown>>;

// Names that are not methods: prototype keys on either level, missing or extra halves, near misses,
// and the flat names from before the API was split by service. Each must be refused as unknown.
const BOGUS_METHODS = [
  'labels.__proto__',
  'labels.constructor',
  'labels.hasOwnProperty',
  'labels.toString',
  'labels.valueOf',
  'labels.__defineGetter__',
  '__proto__.info',
  '__proto__.__proto__',
  'constructor.x',
  'constructor.constructor',
  'toString.call',
  'hasOwnProperty.call',
  'prototype.info',
  'app',
  'app.',
  '.info',
  '.',
  '..',
  'app..info',
  'app.info.',
  'app.info.x',
  '.app.info',
  'App.info',
  'app.Info',
  'app.info ',
  ' app.info',
  'app .info',
  'app\u0000.info',
  'app.info\u0000',
  'labels.addFlag\n',
  'app/info',
  'app:info',
  'app\u2024info',
  'jobs.jobs',
  'export.export',
  // A real method under another service.
  'app.addFlag',
  'labels.info',
  'export.undo',
  'review.redo',
  'jobs.get',
  'appInfo',
  'getSession',
  'addFlag',
  'exportFlags',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  'x'.repeat(65),
  `labels.${'x'.repeat(60)}`,
];

function deep(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

function makeFuzz(seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const weird = (): unknown =>
    pick([
      () => null,
      () => true,
      () => 0,
      () => -1,
      () => 1.5,
      () => 1e308,
      () => Number.MAX_SAFE_INTEGER + 2,
      () => '',
      () => 'x'.repeat(Math.floor(rnd() * 10_000)),
      () => '\u0000\ud800',
      () => '../../../../etc/passwd',
      () => [],
      () => {},
      () => [null, {}, []],
      () => ({ __proto__: { polluted: true }, constructor: { prototype: { x: 1 } } }),
      () => deep(500 + Math.floor(rnd() * 1500)),
      () => Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])),
      () => Array.from({ length: 5000 }, () => rnd()),
    ])();
  const mutate = (arg: unknown): unknown => {
    if (!arg || typeof arg !== 'object') return weird();
    const o = { ...(arg as Record<string, unknown>) };
    const keys = Object.keys(o);
    const r = rnd();
    if (r < 0.4 && keys.length) o[pick(keys)] = weird();
    else if (r < 0.6 && keys.length) delete o[pick(keys)];
    else if (r < 0.8) o[`zz${Math.floor(rnd() * 100)}`] = weird();
    else return weird();
    return o;
  };
  return (n: number): { label: string; text: string } => {
    const r = rnd();
    if (r < 0.08) {
      const raw = pick(['null', '[]', '1', '"s"', '{}', 'true', '{"id":1}', '{"method":null}', '{"id":{},"method":"app.session"}', '{"id":1,"method":"app.session"', '\u00ff\u00fe', '['.repeat(100_000) + ']'.repeat(100_000), '{"a":'.repeat(20_000)]);
      return { label: 'raw', text: raw };
    }
    if (r < 0.16) {
      const method = pick([...BOGUS_METHODS, 'GETSESSION', 'close', 'need', 'job', 'emit', 'jobs.get', 'app.onEvent', 'labels.close']);
      return { label: 'bad method', text: JSON.stringify({ id: n, method, arg: weird() }) };
    }
    if (r < 0.19) {
      // A real method name, bent: prototype keys on one side, halves swapped or doubled, case, dots.
      const [service, name] = pick(LENS_METHODS).split('.');
      const method = pick([
        `${service}.__proto__`,
        `__proto__.${name}`,
        `${service}.constructor`,
        `constructor.${name}`,
        `${name}.${service}`,
        `${service}.${name}.${name}`,
        `${service}.`,
        `.${name}`,
        `${service}..${name}`,
        `${service}.${name}`.toUpperCase(),
        `${service}/${name}`,
        name,
        service,
        `${pick(LENS_METHODS).split('.')[0]}.${name}x`,
      ]);
      return { label: 'bent method', text: JSON.stringify({ id: n, method, arg: rnd() < 0.5 ? null : weird() }) };
    }
    if (r < 0.24) return { label: 'bad id', text: JSON.stringify({ id: pick([{}, [], true, 'y'.repeat(100), -0.5]), method: pick(LENS_METHODS), arg: null }) };
    const method = pick(LENS_METHODS);
    if (method in CHEAP) {
      const valid = CHEAP[method as keyof typeof CHEAP];
      const arg = rnd() < 0.25 ? valid : mutate(valid);
      return { label: method, text: JSON.stringify({ id: n, method, arg }) };
    }
    // Long-job methods: always one unknown key more than the strict schema allows.
    const arg = { ...(mutate(HEAVY_TEMPLATE[method as keyof typeof HEAVY_TEMPLATE]) as object), zzFuzz: weird() };
    return { label: method, text: JSON.stringify({ id: n, method, arg }) };
  };
}

describe('WebSocket fuzzing', () => {
  let tmp: { dir: string; cleanup: () => void };
  let server: ServeHandle;

  beforeAll(async () => {
    tmp = tempDir('mlens-fuzz-');
    server = (await serveSample(tmp.dir, 100)).server;
    const api = await connectApi(server);
    await until(async () => (await api.call('app.session')).dataset?.images === 100, 'the sample to open');
    api.close();
  });
  afterAll(async () => {
    await server?.stop();
    tmp?.cleanup();
  });

  const stillServes = async () => {
    expect(server.child.exitCode, server.stderr()).toBeNull();
    const api = await connectApi(server);
    const s = await api.call('app.session');
    api.close();
    expect(s.dataset.images).toBe(100);
  };

  it('answers or closes on every one of 2000 seeded random and mutated messages, and stays up', async () => {
    const next = makeFuzz(20261204);
    const outcomes: Record<string, number> = {};
    const timeouts: string[] = [];
    const reached: string[] = [];
    let client = await OneAtATime.open(server);
    const t0 = Date.now();
    let attempts = 0;
    for (let n = 1; n <= 2000 && Date.now() - t0 < 90_000; n++) {
      const m = next(n);
      attempts++;
      const o = await client.exchange(m.text);
      const key = o.kind === 'answer' ? (o.msg.error ? `error ${o.msg.error.name}` : 'result') : o.kind === 'closed' ? `closed ${o.code}` : 'timeout';
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (o.kind === 'timeout') timeouts.push(`${m.label}: ${m.text.slice(0, 120)}`);
      // A name that is not a method never reaches a service: refused (or rate-limited) at the door.
      if ((m.label === 'bad method' || m.label === 'bent method') && !(o.kind === 'answer' && ['RequestError', 'RateLimited'].includes(o.msg.error?.name))) reached.push(`${m.text.slice(0, 120)} -> ${key}`);
      if (o.kind === 'closed') client = await OneAtATime.open(server);
    }
    client.ws.close();
    record({ test: 'ws fuzz: seeded random and mutated messages', attempts, outcomes, note: `${Math.round((Date.now() - t0) / 1000)} s` });
    expect(timeouts).toEqual([]);
    expect(reached).toEqual([]);
    expect(outcomes.result ?? 0).toBeGreaterThan(20);
    expect(outcomes['error RequestError'] ?? 0).toBeGreaterThan(100);
    await stillServes();
  });

  it('refuses every name that is not a service.method with a RequestError, whatever the argument', async () => {
    const client = await OneAtATime.open(server);
    const outcomes: Record<string, number> = {};
    const wrong: string[] = [];
    let n = 0;
    for (const method of BOGUS_METHODS) {
      // null, a request that would be valid for labels.addFlag, and one that tries to pollute prototypes.
      for (const arg of [null, CHEAP['labels.addFlag'], JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}')]) {
        const o = await client.exchange(JSON.stringify({ id: ++n, method, arg }));
        const key = o.kind === 'answer' ? (o.msg.error ? `error ${o.msg.error.name}` : 'result') : o.kind;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        const refused = o.kind === 'answer' && o.msg.id === n && o.msg.error?.name === 'RequestError' && /unknown method|method must be a method name/.test(o.msg.error.message);
        if (!refused) wrong.push(`${JSON.stringify(method)}: ${JSON.stringify(o).slice(0, 200)}`);
      }
    }
    // The same connection still runs a real method, with its dotted name.
    const ok = await client.exchange(JSON.stringify({ id: ++n, method: 'app.info', arg: null }));
    client.ws.close();
    record({ test: 'ws names that are not methods', attempts: n - 1, outcomes });
    expect(wrong).toEqual([]);
    expect((ok as any).msg.result.mode).toBe('browser');
    await stillServes();
  });

  it('sends a dotted call made with bin: true as a JSON header and raw binary frames (the map)', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: server.origin });
    await new Promise((r) => ws.once('open', r));
    const got = new Promise<{ header: any; frames: ArrayBuffer[] }>((resolve, reject) => {
      let header: any = null;
      const frames: ArrayBuffer[] = [];
      ws.on('message', (d, isBinary) => {
        if (isBinary) {
          const b = d as Buffer;
          frames.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
        } else {
          const m = JSON.parse(String(d));
          if (m.event) return;
          if (m.error) return reject(new Error(m.error.message));
          header = m;
        }
        if (header && frames.length === header.bins) resolve({ header, frames });
      });
    });
    ws.send(JSON.stringify({ id: 1, method: 'projection.get', arg: { jobId: 'bin-map', method: 'pca' }, bin: true }));
    const { header, frames } = await got;
    ws.close();
    expect(header.id).toBe(1);
    expect(header.bins).toBeGreaterThan(0);
    const p = decodeWireBinary(header.result, frames) as Projection;
    expect(p.xy).toBeInstanceOf(Float32Array);
    expect(p.xy.length).toBe(2 * (p.nImages + p.nCaptions));
    expect(p.nImages).toBe(100);
  });

  it('answers a message over the 1 MiB limit with a clear error, and closes a frame over the 8 MiB cap with 1009', async () => {
    const client = await OneAtATime.open(server);
    const big = await client.exchange(JSON.stringify({ id: 1, method: 'app.session', arg: { pad: 'x'.repeat(1_500_000) } }));
    expect(big.kind).toBe('answer');
    expect((big as any).msg.error.message).toMatch(/message too large: \d+ bytes; the limit is 1 MiB/);
    // The connection is still usable after the refusal.
    const ok = await client.exchange(JSON.stringify({ id: 2, method: 'labels.listFlags', arg: null }));
    expect((ok as any).msg.result).toBeInstanceOf(Array);
    const huge = await client.exchange(Buffer.alloc(9 * 1024 * 1024, 0x20));
    expect(huge).toEqual({ kind: 'closed', code: 1009 });
    record({ test: 'ws over-size messages', attempts: 3, outcomes: { 'error (1.5 MB)': 1, 'result after it': 1, [`closed ${(huge as any).code} (9 MiB)`]: 1 } });
    await stillServes();
  });

  it('rate-limits a burst of 1500 messages with answers, not silence', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: server.origin });
    await new Promise((r) => ws.once('open', r));
    const answers = new Map<number, any>();
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      if (!m.event) answers.set(m.id, m);
    });
    for (let i = 1; i <= 1500; i++) ws.send(JSON.stringify({ id: i, method: 'labels.listFlags', arg: null }));
    await expect.poll(() => answers.size, { timeout: 60_000 }).toBe(1500);
    const limited = [...answers.values()].filter((m) => m.error?.name === 'RateLimited');
    ws.close();
    record({ test: 'ws burst of 1500 calls', attempts: 1500, outcomes: { result: 1500 - limited.length, 'error RateLimited': limited.length } });
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].error.message).toMatch(/too many/);
    await stillServes();
  });

  it('closes only the offending connection on raw protocol violations', async () => {
    const cases: Array<[string, Buffer]> = [
      ['bad UTF-8 text frame', frame(0x81, Buffer.from([0xff, 0xfe, 0xfd]))],
      ['unmasked client frame', frame(0x81, Buffer.from('{"id":1}'), { mask: false })],
      ['reserved opcode 0x3', frame(0x83, Buffer.from('x'))],
      ['reserved opcode 0xB', frame(0x8b, Buffer.from('x'))],
      ['RSV1 without compression', frame(0xc1, Buffer.from('{}'))],
      ['RSV2 and RSV3', frame(0xb1, Buffer.from('{}'))],
      ['ping longer than 125 bytes', frame(0x89, Buffer.alloc(200, 1))],
      ['fragmented close frame', frame(0x08, Buffer.from([0x03, 0xe8]))],
      ['continuation with nothing to continue', frame(0x80, Buffer.from('x'))],
      ['length of 2^63 - 1', frame(0x82, Buffer.alloc(0), { declaredLength: 2n ** 63n - 1n })],
      ['close frame with invalid code 999', frame(0x88, Buffer.from([0x03, 0xe7]))],
      ['new text frame inside a fragmented one', Buffer.concat([frame(0x01, Buffer.from('{"id":')), frame(0x81, Buffer.from('1}'))])],
    ];
    // A bystander connection must survive every one of them.
    const bystander = await connectApi(server);
    const outcomes: Record<string, number> = {};
    for (const [name, bytes] of cases) {
      const raw = await rawUpgrade(server.port, server.token, server.origin);
      raw.socket.write(bytes);
      const r = await Promise.race([raw.closed, new Promise<null>((res) => setTimeout(() => res(null), 10_000))]);
      if (!r) raw.socket.destroy();
      const key = r ? `closed ${r.code ?? 'without code'}` : 'left open';
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      expect(r, `${name}: the server should close the connection`).not.toBeNull();
      expect(server.child.exitCode, `${name}: ${server.stderr()}`).toBeNull();
    }
    expect((await bystander.call('labels.listFlags')) instanceof Array).toBe(true);
    bystander.close();
    record({ test: 'raw protocol violations', attempts: cases.length, outcomes });
    await stillServes();
  });
});
