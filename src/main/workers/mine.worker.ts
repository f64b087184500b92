// Mining in worker threads. Two tasks:
// - mining's compute step (workerData: {task: 'mine', input}, core/mining/mine.ts `mineCompute`:
//   plain data and typed arrays, no path): messages {type: 'progress', phase, done, total}, then
//   {type: 'done', result} or {type: 'error', name, message};
// - one space's cross-modal kNN (workerData.task === 'knn', knn_worker.ts): {type: 'progress',
//   fraction}, then {type: 'knn', knn} with the arrays transferred.
// The caller cancels by terminating the worker; the caller writes the run to the store.
import { parentPort, workerData } from 'node:worker_threads';
import type { MineTask } from '../core/mining/mine_job.js';
import type { KnnTask } from '../core/mining/knn_worker.js';

const port = parentPort!;
const data = workerData as MineTask | KnnTask;
try {
  if (data.task === 'knn') {
    const { runKnnTask } = await import('../core/mining/knn_worker.js');
    let last = 0;
    const knn = runKnnTask(data, (fraction) => {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      port.postMessage({ type: 'progress', fraction });
    });
    const transfer = [knn.i2t.indices, knn.i2t.scores, knn.t2i.indices, knn.t2i.scores, knn.imageStats.mean, knn.imageStats.sd, knn.textStats.mean, knn.textStats.sd].map((a) => a.buffer as ArrayBuffer);
    port.postMessage({ type: 'knn', knn }, transfer);
  } else {
    const { mineCompute } = await import('../core/mining/mine.js');
    let last = 0;
    const result = await mineCompute(data.input, {
      onProgress: (p) => {
        const now = Date.now();
        if (now - last < 100 && p.done < p.total) return;
        last = now;
        port.postMessage({ type: 'progress', ...p });
      },
    });
    port.postMessage({ type: 'done', result });
  }
} catch (e) {
  const err = e as Error;
  port.postMessage({ type: 'error', name: err.name, message: err.message });
}
