// The sample's "oracle" space is built from the complete truth (sample/oracle_encoder.ts): an upper
// bound on what an encoder could reach, never a measure of encoder quality. It is named as such
// wherever a space is named, it is not the default space when an encoder's space exists, and
// mining leaves it out unless asked for it (or unless it is the only space).
export const ORACLE_NAME = 'oracle (built from truth)';

/** Whether folder embeddings with this source are the sample's oracle. */
export function isOracleSource(source: string | null | undefined): boolean {
  return source === 'sample-oracle';
}
