// Which spaces mining uses when the user picks none, shared by the mining service and the Review
// tab's space checkboxes so that what the boxes show is what a run mines: every space except those
// built from the truth (the sample's oracle, its stored copy, heads trained on them: an upper bound,
// never encoder quality), or those when nothing else exists; and except a residual-variance head
// whose parent is mined too (it keeps its parent's means, so the two would propose nearly the same
// pairs and every such pair would count as two spaces agreeing).
export function defaultMiningSpaceIds(spaces: ReadonlyArray<{ id: string; fromTruth: boolean; encoder?: string; parent?: string | null }>): string[] {
  const encoders = spaces.filter((s) => !s.fromTruth);
  const base = encoders.length ? encoders : spaces;
  const ids = new Set(base.map((s) => s.id));
  return base.filter((s) => !(sharesParentMeans(s) && ids.has(s.parent))).map((s) => s.id);
}

/** A residual-variance head: its means are its parent's (core/heads/residual.ts); the map reuses its parent's layout too (services/projection.ts). */
export function sharesParentMeans<T extends { encoder?: string; parent?: string | null }>(s: T): s is T & { parent: string } {
  return s.encoder === 'residual' && !!s.parent;
}
