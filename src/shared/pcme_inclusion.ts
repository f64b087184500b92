// The PCME++ head's inclusion option (ProLIP's inclusion loss: each image inside its annotated
// caption's Gaussian; core/heads/inclusion.ts), shared by `mlens train --inclusion` and the Train tab.
// Weight and sharpness were chosen on seed 0 of the science protocol's worlds (docs/variance.md).
export const PCME_INCLUSION = { weight: 0.3, scale: 10 } as const;
