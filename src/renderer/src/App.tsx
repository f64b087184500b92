// The app's layout: the top bar, banners, the dataset column, the map, the right-hand tabs and the
// status bar, each a feature component that reads the store itself. App only creates the store
// (one per transport) and starts it: it listens to main's events and loads the session.
import { useEffect, useMemo, type ReactNode } from 'react';
import type { Transport } from './transport';
import { LensStore } from './store/lens_store';
import { browserMemory } from './store/memory';
import { LensProvider, useLens, useLensState } from './store/react';
import type { TabId } from './store/state';
import { Tabs, TabPanel } from './ui/Tabs';
import { OpenDatasetForm, FolderPickerModal } from './features/session/OpenDataset';
import { ColumnMappingModal } from './features/session/ColumnMappingDialog';
import { ErrorBanner, JobBars, ProjectionErrorBanner } from './features/session/Banners';
import { DatasetColumn } from './features/session/DatasetColumn';
import { StatusBar } from './features/session/StatusBar';
import { HelpOverlay } from './features/session/HelpOverlay';
import { SpaceSelect } from './features/spaces/SpaceSelect';
import { SpacesPanel } from './features/spaces/SpacesPanel';
import { EncodeBanner } from './features/spaces/EncodePrompt';
import { UndoRedoButtons } from './features/labels/UndoRedo';
import { ExportBanners, ExportButton } from './features/labels/Export';
import { MapPanel } from './features/map/MapPanel';
import { InspectPanel } from './features/inspect/InspectPanel';
import { ReviewPanel } from './features/review/ReviewPanel';
import { MetricsPanel } from './features/metrics/MetricsPanel';
import { MultiplicityPanel } from './features/metrics/MultiplicityPanel';
import { TrainPanel } from './features/train/TrainPanel';
import { UncertaintyTab } from './features/uncertainty/UncertaintyTab';

export function App({ transport }: { transport: Transport }) {
  const store = useMemo(() => new LensStore(transport, browserMemory), [transport]);
  useEffect(() => store.start(), [store]);
  return (
    <LensProvider store={store}>
      <div className="app">
        <header className="topbar">
          <strong className="brand">Multiplicity Lens</strong>
          <OpenDatasetForm />
          <SpaceSelect />
          <span className="spacer" />
          <UndoRedoButtons />
          <ExportButton />
        </header>
        <ErrorBanner />
        <ExportBanners />
        <main className="body">
          <aside className="left">
            <DatasetColumn />
          </aside>
          <section className="center">
            <JobBars />
            <EncodeBanner />
            <ProjectionErrorBanner />
            <MapPanel />
          </section>
          <SidePanels />
        </main>
        <HelpOverlay />
        <FolderPickerModal />
        <ColumnMappingModal />
        <StatusBar />
      </div>
    </LensProvider>
  );
}

/** The right-hand tabs. Hidden panels stay mounted (they keep their state); all but Inspect need an open dataset. */
function SidePanels() {
  const store = useLens();
  const tab = useLensState((s) => s.tab);
  const session = useLensState((s) => s.session);
  const hasItems = useLensState((s) => s.items != null);
  const decisions = useLensState((s) => s.decisions);
  const ds = session?.dataset ?? null;
  const panel = (id: TabId, children: ReactNode) => (
    <TabPanel id={id} idPrefix="side" active={tab === id}>
      {children}
    </TabPanel>
  );
  return (
    <aside className={tab === 'inspect' ? 'right' : 'right wide'}>
      <Tabs<TabId>
        idPrefix="side"
        active={tab}
        onChange={store.setTab}
        tabs={[
          { id: 'inspect', label: 'Inspect' },
          { id: 'review', label: 'Review', badge: decisions ?? null },
          { id: 'metrics', label: 'Metrics' },
          { id: 'multiplicity', label: 'Multiplicity' },
          { id: 'spaces', label: 'Spaces', badge: session?.spaces.length || null },
          { id: 'train', label: 'Train' },
          { id: 'uncertainty', label: 'Uncertainty' },
        ]}
      />
      {panel('inspect', <InspectPanel />)}
      {ds && session && hasItems ? (
        <>
          {panel('review', <ReviewPanel key={ds.hash} />)}
          {panel('metrics', <MetricsPanel key={ds.hash} />)}
          {panel('multiplicity', <MultiplicityPanel key={ds.hash} />)}
          {panel('spaces', <SpacesPanel />)}
          {panel('train', <TrainPanel key={ds.hash} />)}
          {panel('uncertainty', <UncertaintyTab />)}
        </>
      ) : (
        tab !== 'inspect' && <section className="panel muted">Open a dataset first.</section>
      )}
    </aside>
  );
}
