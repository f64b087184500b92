// LensApi (split by service) over the current LensService, whose methods still have the old flat
// names. A plain object literal typed as LensApi: the compiler checks every service and method
// is bound and that each binding's request and result match the interface.
import type { LensApi } from '../../shared/api.js';
import type { LensService } from '../core/app/lens_service.js';

export function bindLensApi(lens: LensService): LensApi {
  return {
    app: {
      info: () => lens.appInfo(),
      session: () => lens.getSession(),
      pickFolder: () => lens.pickFolder(),
      listDirectory: (req) => lens.listDirectory(req),
    },
    jobs: {
      cancel: (req) => lens.cancelJob(req),
    },
    datasets: {
      open: (req) => lens.openDataset(req),
      openSample: (req) => lens.openSample(req),
      items: () => lens.getItems(),
      search: (req) => lens.searchItems(req),
      itemValues: () => lens.getItemValues(),
    },
    spaces: {
      setActive: (req) => lens.setSpace(req),
      encode: (req) => lens.encode(req),
      itemDetail: (req) => lens.getItemDetail(req),
    },
    projection: {
      get: (req) => lens.getProjection(req),
      glyphs: (req) => lens.getGlyphs(req),
    },
    heads: {
      train: (req) => lens.trainHead(req),
      stop: (req) => lens.stopTraining(req),
      list: () => lens.listHeads(),
      uncertainty: (req) => lens.getUncertainty(req),
      pairCsd: (req) => lens.getPairCsd(req),
    },
    mining: {
      run: (req) => lens.mine(req),
      calibration: () => lens.getCalibration(),
    },
    review: {
      queue: (req) => lens.reviewQueue(req),
      unit: (req) => lens.getReviewUnit(req),
      record: (req) => lens.recordReview(req),
      undo: () => lens.undoReview(),
    },
    labels: {
      listFlags: () => lens.listFlags(),
      addFlag: (req) => lens.addFlag(req),
      addFlags: (req) => lens.addFlags(req),
      removeFlag: (req) => lens.removeFlag(req),
      undo: () => lens.undo(),
      redo: () => lens.redo(),
      list: () => lens.listLabels(),
      importPositives: (req) => lens.importPositives(req),
    },
    metrics: {
      table: (req) => lens.getMetrics(req),
      multiplicity: () => lens.getMultiplicity(),
      pairPush: (req) => lens.getPairPush(req),
    },
    export: {
      preview: () => lens.exportPreview(),
      write: (req) => lens.exportFlags(req),
    },
  };
}
