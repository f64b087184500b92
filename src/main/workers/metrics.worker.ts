// Metrics of an embedding space over image ranges (core/metrics/space_parallel.ts): workerData is
// a SpacePartTask (rows in SharedArrayBuffers); messages {type: 'progress', rows} after each
// block, then {type: 'done', result} with its arrays transferred, or {type: 'error', name, message}.
import { parentPort, workerData } from 'node:worker_threads';
import { runSpacePart, type SpacePartTask } from '../core/metrics/space_parallel.js';

const port = parentPort!;
try {
  const result = runSpacePart(workerData as SpacePartTask, (rows) => port.postMessage({ type: 'progress', rows }));
  const transfer = [result.i2tValues, result.i2tPresent, result.pmValues, result.pmPresent, ...result.t2iStates].map((a) => a.buffer as ArrayBuffer);
  port.postMessage({ type: 'done', result }, transfer);
} catch (e) {
  const err = e as Error;
  port.postMessage({ type: 'error', name: err.name, message: err.message });
}
