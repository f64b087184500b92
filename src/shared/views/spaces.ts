// View models of embedding spaces (the space list, the selector, the Spaces tab).

export interface SpaceInfo {
  id: string;
  name: string;
  encoder: string;
  dims: number;
  probabilistic: boolean;
  parent: string | null;
  condition: string | null;
  createdAt: string | null;
  /**
   * Built from the dataset's truth: the sample's oracle embeddings, a stored copy of them, or a head
   * trained on either. An upper bound, never encoder quality: not mined or made active by default.
   */
  fromTruth: boolean;
}
