// The Uncertainty tab's container: the store's Σσ² and items into the panel.
import { useLens, useLensState } from '../../store/react';
import { useActiveSpace } from '../inspect/useInspect';
import { UncertaintyPanel } from './UncertaintyPanel';

export function UncertaintyTab() {
  const store = useLens();
  const uncertainty = useLensState((s) => s.uncertainty);
  const items = useLensState((s) => s.items);
  const probabilistic = !!useActiveSpace()?.probabilistic;
  if (!items) return null;
  return <UncertaintyPanel uncertainty={uncertainty} probabilistic={probabilistic} items={items} onSelect={store.selectAndFly} />;
}
