// Which spaces mining uses when the user picks none, shared by the mining service and the Review
// tab's space checkboxes so that what the boxes show is what a run mines: every space except those
// built from the truth (the sample's oracle, its stored copy, heads trained on them: an upper bound,
// never encoder quality), or those when nothing else exists.
export function defaultMiningSpaceIds(spaces: ReadonlyArray<{ id: string; fromTruth: boolean }>): string[] {
  const encoders = spaces.filter((s) => !s.fromTruth);
  return (encoders.length ? encoders : spaces).map((s) => s.id);
}
