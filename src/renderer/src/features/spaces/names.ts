// Spaces are shown by their human name everywhere; the id is the fallback (a space that is gone,
// or one only a result file remembers).
import type { SpaceInfo } from '../../../../shared/views/spaces';

export function spaceLabel(sp: SpaceInfo): string {
  return sp.condition ? `${sp.name} [${sp.condition}]` : sp.name;
}

/** A name lookup for the spaces of a session: `name(id)` is the human name, or the id itself. */
export function spaceNamer(spaces: readonly SpaceInfo[] | undefined): (id: string) => string {
  const byId = new Map((spaces ?? []).map((sp) => [sp.id, spaceLabel(sp)] as const));
  return (id: string) => byId.get(id) ?? id;
}
