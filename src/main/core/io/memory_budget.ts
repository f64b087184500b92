// The memory budget for arrays that may not fit: embeddings larger than it stay on disk and are read
// by row range (io/row_shards.ts); operations over them hold blocks sized from it.
import { totalmem } from 'node:os';

/** Floor of any budget (tests use tiny budgets; below this a block holds too few rows to be useful). */
export const MIN_BUDGET_BYTES = 64 * 1024;

/**
 * `MLENS_MEMORY_MB` (or `mb`, e.g. from a setting) in MiB; default a quarter of the machine's memory,
 * at most 8 GiB (the renderer, the store and the rest of the process need the remainder).
 */
export function memoryBudgetBytes(mb?: number | string | null, env: NodeJS.ProcessEnv = process.env): number {
  const given = mb ?? env.MLENS_MEMORY_MB;
  if (given != null && given !== '') {
    const n = Number(given);
    if (!Number.isFinite(n) || n <= 0) throw new RangeError(`MLENS_MEMORY_MB: ${JSON.stringify(String(given))} is not a positive number of MiB`);
    return Math.max(MIN_BUDGET_BYTES, Math.round(n * 1024 * 1024));
  }
  return Math.max(MIN_BUDGET_BYTES, Math.min(8 * 1024 ** 3, Math.floor(totalmem() / 4)));
}

/** Rows of `dims` float32 values that fit in `share` of the budget (at least 1). */
export function rowsWithin(budgetBytes: number, dims: number, share = 1): number {
  return Math.max(1, Math.floor((budgetBytes * share) / (4 * Math.max(1, dims))));
}
