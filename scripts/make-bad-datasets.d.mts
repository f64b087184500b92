// Types of scripts/make-bad-datasets.mjs for the test that uses it.
export interface ExpectedProblem {
  severity: 'error' | 'warning';
  file: string;
  line?: number;
  /** A piece of the message. */
  match: string;
}

export interface BadDatasetCase {
  name: string;
  fault: string;
  files: Record<string, string | Uint8Array>;
  /** The one problem named for the fault (the fatal error when `opens` is false); null: opens cleanly. */
  expect: ExpectedProblem | null;
  /** Problems that follow from the same fault by design. */
  also?: ExpectedProblem[];
  opens?: boolean;
  captions?: number;
  embeddings?: boolean;
  truth?: boolean;
}

export const CASES: BadDatasetCase[];
export function makeBadDatasets(out: string): string[];
