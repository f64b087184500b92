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
}
