// The Inspect tab: the selected pair's exact CSD and push, and the selected item's partners and
// neighbours (with flag controls). Always mounted, so it also keeps the selection's data current.
import { useLens, useLensState } from '../../store/react';
import { addFlag } from '../labels/label_actions';
import { PairPush } from '../metrics/PushPanel';
import { usePairPushLoader } from '../metrics/usePairPush';
import { DetailPanel } from './DetailPanel';
import { PairCsdPanel } from './PairCsdPanel';
import { useActiveSpace, useDetailFollowsSpace, useNeighbourCsd, usePairCsd } from './useInspect';

export function InspectPanel() {
  const store = useLens();
  const probabilistic = !!useActiveSpace()?.probabilistic;
  const hasSpace = useLensState((s) => !!s.session?.spaces.length);
  const pushPair = useLensState((s) => s.pushPair);
  const detail = useLensState((s) => s.detail);
  const items = useLensState((s) => s.items);
  const flags = useLensState((s) => s.flags);
  const focusPair = useLensState((s) => s.focusPair);
  useDetailFollowsSpace();
  usePairPushLoader();
  const csdMap = useNeighbourCsd(probabilistic);
  const pairCsd = usePairCsd(probabilistic);
  const closePair = () => store.set({ pushPair: null });
  return (
    <>
      {pushPair && probabilistic && <PairCsdPanel pair={pushPair} csd={pairCsd} onClose={closePair} />}
      {pushPair && hasSpace && <PairPush pair={pushPair} onClose={closePair} />}
      {detail && items ? (
        <DetailPanel
          detail={detail}
          items={items}
          flags={flags}
          imageUrl={store.imageUrl}
          focusPair={focusPair}
          onSelect={store.selectAndFly}
          onFlag={(t, l, n) => void addFlag(store, t, l, n)}
          onPushPair={(p) => store.set({ focusPair: p, pushPair: p })}
          csd={probabilistic ? csdMap : null}
        />
      ) : (
        <section className="panel muted">Click a point on the map to inspect it: its annotated partners and its nearest neighbours in the embedding space.</section>
      )}
    </>
  );
}
