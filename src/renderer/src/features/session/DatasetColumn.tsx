// The left column: the open dataset's summary (or how to open one) and its flags.
import { useLens, useLensState } from '../../store/react';
import { FlagsList } from '../labels/FlagsList';
import { SummaryPanel } from './SummaryPanel';

export function DatasetColumn() {
  const store = useLens();
  const session = useLensState((s) => s.session);
  const opening = useLensState((s) => Object.keys(s.jobs).length > 0);
  const flags = useLensState((s) => s.flags);
  const items = useLensState((s) => s.items);
  const ds = session?.dataset ?? null;
  const space = session?.spaces.find((sp) => sp.id === session.spaceId) ?? null;
  return (
    <>
      {ds ? <SummaryPanel summary={ds} space={space} /> : <section className="panel"><p>{opening ? 'Opening…' : 'No dataset open. Open a folder or the sample dataset.'}</p></section>}
      {ds && <FlagsList flags={flags} items={items} onSelect={store.selectAndFly} onRemove={(id) => void store.api.labels.removeFlag({ id }).catch(store.fail)} />}
    </>
  );
}
