// The shape of the renderer's session state: what is open, what is selected, what the map shows.
// Features read slices of it with `useLensState` and change it through the store's actions or their
// own action modules; transport events are applied here before any feature hears of them.
import type { AppInfo, ExportResult, ItemDetail, ItemTable, JobEvent, Projection, Session } from '../../../shared/api';
import type { UncertaintyView } from '../../../shared/views/heads';
import type { PairPushView } from '../../../shared/views/metrics';
import type { MineSummary, ReviewUnitView } from '../../../shared/views/review';
import type { ColumnMappingDetail } from '../../../shared/dataset';
import type { Flag } from '../../../shared/flags';
import type { ExportPreview } from '../../../shared/labels';

export type ItemKind = 'image' | 'caption';
export interface ItemRef {
  kind: ItemKind;
  index: number;
}
export interface Pair {
  image: number;
  caption: number;
}
export interface PushParams {
  temperature: number;
  batchSize: number;
}

export type TabId = 'inspect' | 'review' | 'metrics' | 'multiplicity' | 'spaces' | 'train' | 'uncertainty';
export const TAB_IDS: TabId[] = ['inspect', 'review', 'metrics', 'multiplicity', 'spaces', 'train', 'uncertainty'];

export interface LensState {
  info: AppInfo | null;
  /** The session main reported last (dataset, spaces, undo state at open). */
  session: Session | null;
  items: ItemTable | null;
  flags: Flag[];
  undoRedo: { canUndo: boolean; canRedo: boolean };
  /** Running jobs by id (a job leaves when it ends). */
  jobs: Record<string, JobEvent>;

  projection: Projection | null;
  /** The space `projection` was computed in. */
  projectionSpace: string | null;
  projectionError: string | null;
  /** While the first map of a dataset is laid out: the latest partial layout the job streamed ('pca' or 'epoch k/N'). */
  partialMap: { xy: Float32Array; step: string } | null;
  /** Partial layouts received for the current projection job. */
  layoutFrames: number;
  /** Set by a condition switch: the next map keeps the camera (centred on this point). */
  keepView: { center: number | null } | null;
  /** A request to fly the map to a point; `key` tells two requests for the same point apart. */
  flyTo: { index: number; key: number } | null;

  /** The folder path box (the open dataset's root after an open). */
  folder: string;
  error: string | null;
  notice: string | null;
  tab: TabId;
  helpOpen: boolean;
  pickerOpen: boolean;
  /** The column dialog: a table folder whose columns could not be told by name (features/session/ColumnMappingDialog.tsx). */
  columnDialog: { path: string; detail: ColumnMappingDetail; error: string | null } | null;

  selected: ItemRef | null;
  detail: ItemDetail | null;
  /** The pair highlighted in the Inspect panel (a neighbour row or a pair edge). */
  focusPair: Pair | null;
  /** The pair whose push (and exact CSD) is shown. */
  pushPair: Pair | null;
  push: PairPushView | null;
  pushError: string | null;
  pushParams: PushParams;

  /** Review decisions recorded in this project (from `reviews` events). */
  decisions: number | null;
  mineSummary: MineSummary | null;
  /** The unit open in Review (drawn on the map while the Review tab shows). */
  reviewUnit: ReviewUnitView | null;
  /** The focused cell of the open unit. */
  reviewFocus: Pair | null;
  /** A unit hovered in a list or on the map (its candidate edges are drawn). */
  hoverUnit: number | null;

  /** Σσ² per item of the active space when it is probabilistic. */
  uncertainty: UncertaintyView | null;

  exportPreview: ExportPreview | null;
  exported: ExportResult | null;
}

/** Where small preferences are remembered (localStorage in the app, see memory.ts). */
export interface Memory {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

export function initialState(tab: TabId): LensState {
  return {
    info: null,
    session: null,
    items: null,
    flags: [],
    undoRedo: { canUndo: false, canRedo: false },
    jobs: {},
    projection: null,
    projectionSpace: null,
    projectionError: null,
    partialMap: null,
    layoutFrames: 0,
    keepView: null,
    flyTo: null,
    folder: '',
    error: null,
    notice: null,
    tab,
    helpOpen: false,
    pickerOpen: false,
    columnDialog: null,
    selected: null,
    detail: null,
    focusPair: null,
    pushPair: null,
    push: null,
    pushError: null,
    pushParams: { temperature: 0.07, batchSize: 128 },
    decisions: null,
    mineSummary: null,
    reviewUnit: null,
    reviewFocus: null,
    hoverUnit: null,
    uncertainty: null,
    exportPreview: null,
    exported: null,
  };
}
