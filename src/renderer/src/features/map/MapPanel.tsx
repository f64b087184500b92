// The map and everything on it: points coloured by the colour-by choice, glyphs, edges and unit
// outlines (useMapLayers), the overlays (search, colour, glyphs, legend; pending units, selection
// toolbar, help corner) and the hover tooltip. Clicks select items, open units, or pick a pair.
import { useEffect, useState } from 'react';
import type { Projection } from '../../../../shared/api';
import { ColourByControl } from '../../colour/ColourKey';
import { HelpCorner } from '../../help/ShortcutsOverlay';
import { MapView } from '../../map/MapView';
import { SelectionBar } from '../../selection/SelectionBar';
import { useMapSelection } from '../../selection/useMapSelection';
import { useLens, useLensState } from '../../store/react';
import { useActiveSpace } from '../inspect/useInspect';
import { useUncertaintyLoader } from '../uncertainty/useUncertainty';
import { GlyphControls } from './GlyphControls';
import { useGlyphLodStore } from './GlyphLodNote';
import { MapLegend } from './MapLegend';
import { MapTooltip, type Hover } from './MapTooltip';
import { MapUnitsCard } from './MapUnitsCard';
import { SearchBox } from './SearchBox';
import { useColourBy } from './useColourBy';
import { useGlyphs } from './useGlyphs';
import { useMapLayers, useMapPoints } from './useMapLayers';
import { useMapUnits } from './useMapUnits';

export function MapPanel() {
  const store = useLens();
  const session = useLensState((s) => s.session);
  const items = useLensState((s) => s.items);
  const flags = useLensState((s) => s.flags);
  const projection = useLensState((s) => s.projection);
  const projectionSpace = useLensState((s) => s.projectionSpace);
  const uncertainty = useLensState((s) => s.uncertainty);
  const selected = useLensState((s) => s.selected);
  const keepView = useLensState((s) => s.keepView);
  const flyTo = useLensState((s) => s.flyTo);
  const tab = useLensState((s) => s.tab);
  const partialMap = useLensState((s) => s.partialMap);
  const layoutFrames = useLensState((s) => s.layoutFrames);
  const probabilistic = !!useActiveSpace()?.probabilistic;
  const ds = session?.dataset ?? null;
  // The hovered point belongs to the map it was hovered on.
  const [hovered, setHovered] = useState<{ hover: Hover; on: Projection } | null>(null);
  const hover = hovered && hovered.on === projection ? hovered.hover : null;
  const mapSel = useMapSelection(projection?.xy ?? null);
  const glyphLod = useGlyphLodStore();

  // The map, the colour-by choices and the Uncertainty tab all use the active space's Σσ².
  useUncertaintyLoader();
  // keepCamera applies to the projection that follows a condition switch only.
  useEffect(() => {
    store.set({ keepView: null });
  }, [store, projection]);

  // Esc clears the selection and the lasso (the shortcuts overlay takes Esc first while open).
  const clearLasso = mapSel.clear;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
      if (e.key === 'Escape') {
        store.clearSelection();
        clearLasso();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, clearLasso]);

  const colour = useColourBy({ datasetHash: ds?.hash ?? null, items, flags, uncertainty: uncertainty && uncertainty.spaceId === projectionSpace ? uncertainty : null, spaceId: projectionSpace ?? null });
  const colourByUncertainty = colour.mode === 'value:sigma2';
  const glyphs = useGlyphs(probabilistic);
  const mapUnits = useMapUnits();
  const points = useMapPoints(colour.colouring);
  const layers = useMapLayers(mapUnits);

  return (
    <>
      <div className="map-area" data-layout-frames={layoutFrames}>
        {partialMap && !projection && (
          <div className="layout-progress overlay-card" data-testid="layout-progress" data-step={partialMap.step}>
            laying out… {partialMap.step === 'pca' ? 'PCA first view' : partialMap.step}
          </div>
        )}
        <MapView
          points={points}
          selected={selected && projection ? store.pointOf(selected.kind, selected.index) : null}
          highlighted={layers.highlighted}
          edges={layers.edges}
          glyphs={glyphs.mapGlyphs}
          onGlyphLod={glyphLod.set}
          keepCamera={keepView != null}
          centerOn={keepView?.center ?? null}
          selection={mapSel.mask}
          selectTool={mapSel.tool}
          selectOp={mapSel.op}
          onLasso={mapSel.onLasso}
          flyTo={flyTo}
          onHover={(index, x, y) => setHovered(index == null || !projection ? null : { hover: { index, x, y }, on: projection })}
          onClick={(index) => {
            if (index == null) return;
            const it = store.itemOf(index);
            store.select(it.kind, it.index);
          }}
          onEdgeClick={(edge) => {
            const unit = layers.edgeOwner.get(`${edge.a},${edge.b}`) ?? layers.edgeOwner.get(`${edge.b},${edge.a}`);
            if (unit != null) {
              store.openInReview(unit);
              store.notify(`Unit #${unit} opened in Review`);
              return;
            }
            const a = store.itemOf(edge.a);
            const b = store.itemOf(edge.b);
            const image = a.kind === 'image' ? a.index : b.index;
            const caption = a.kind === 'caption' ? a.index : b.index;
            store.set({ focusPair: { image, caption }, pushPair: { image, caption } });
            if (tab !== 'review') store.setTab('inspect');
            store.notify(`Pair image #${image} × caption #${caption}: flag it in the panel`);
          }}
        />
        <div className="overlay-stack overlay-left" data-testid="overlay-left">
          {ds && <SearchBox api={store.api} datasetHash={ds.hash} onPick={(h) => store.selectAndFly(h.kind, h.index)} />}
          {projection && items && (
            <div className="overlay-card" data-testid="colour-controls">
              <ColourByControl mode={colour.mode} options={colour.options} onMode={colour.setMode} keyView={colour.colouring?.key ?? null} />
              {colour.partnersNote && <p className="muted small" data-testid="partners-note" style={{ maxWidth: 260 }}>{colour.partnersNote}</p>}
            </div>
          )}
          {projection && (probabilistic || colourByUncertainty) && (
            <GlyphControls glyphs={glyphs} probabilistic={probabilistic} lod={glyphLod} uncertaintyShown={!!uncertainty} colourByUncertainty={colourByUncertainty} onColourByUncertainty={(on) => colour.setMode(on ? 'value:sigma2' : 'default')} />
          )}
          {projection && <MapLegend projection={projection} coloured={!!colour.colouring} lineKinds={layers.lineKinds} />}
        </div>
        <div className="overlay-stack overlay-right" data-testid="overlay-right">
          {projection && <MapUnitsCard mapUnits={mapUnits} unitColors={layers.unitColors} reviewUnitId={layers.reviewUnitId} />}
          {/* The selection toolbar stacks above the help corner: overlays never cover each other. */}
          {projection && <SelectionBar api={store.api} selection={mapSel} nImages={projection.nImages} items={items} xy={projection.xy} onNotice={store.notify} onError={store.fail} />}
          {projection && <HelpCorner onOpen={() => store.set({ helpOpen: true })} />}
        </div>
      </div>
      <MapTooltip hover={hover} />
    </>
  );
}
