// The preload's contract with the renderer: one generic call and one event stream. Nothing else.
// `method` is a wire name `service.method` (e.g. 'labels.addFlag'); main checks it and the request.
import type { LensEvent, LensMethod } from '../shared/api';

export type BridgeResult = { ok: true; result: unknown } | { ok: false; error: { name: string; message: string; detail?: unknown } };

export interface LensBridge {
  call(method: LensMethod, arg: unknown): Promise<BridgeResult>;
  onEvent(fn: (e: LensEvent) => void): () => void;
}
