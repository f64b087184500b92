// Client-side job ids: the renderer names a long call so it can follow its progress and cancel it.
let n = 0;
export function newJobId(kind: string): string {
  n += 1;
  return `${kind}-${Date.now().toString(36)}-${n}`;
}
