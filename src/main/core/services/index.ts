// The services of a session, shaped like the split LensApi: each takes the session's open Project.
import type { LensApi } from '../../../shared/api.js';
import type { ServiceSession } from './context.js';
import { AppServiceImpl } from './app.js';
import { JobsServiceImpl } from './jobs.js';
import { DatasetsServiceImpl } from './datasets.js';
import { SpacesServiceImpl } from './spaces.js';
import { ProjectionServiceImpl } from './projection.js';
import { HeadsServiceImpl } from './heads.js';
import { MiningServiceImpl } from './mining.js';
import { ReviewServiceImpl } from './review.js';
import { LabelsServiceImpl } from './labels.js';
import { MetricsServiceImpl } from './metrics.js';
import { ExportServiceImpl } from './export.js';

export interface Services extends LensApi {
  app: AppServiceImpl;
  jobs: JobsServiceImpl;
  datasets: DatasetsServiceImpl;
  spaces: SpacesServiceImpl;
  projection: ProjectionServiceImpl;
  heads: HeadsServiceImpl;
  mining: MiningServiceImpl;
  review: ReviewServiceImpl;
  labels: LabelsServiceImpl;
  metrics: MetricsServiceImpl;
  export: ExportServiceImpl;
}

export function createServices(session: ServiceSession): Services {
  const spaces = new SpacesServiceImpl(session);
  return {
    app: new AppServiceImpl(session),
    jobs: new JobsServiceImpl(session),
    datasets: new DatasetsServiceImpl(session),
    spaces,
    projection: new ProjectionServiceImpl(session),
    heads: new HeadsServiceImpl(session, spaces),
    mining: new MiningServiceImpl(session),
    review: new ReviewServiceImpl(session),
    labels: new LabelsServiceImpl(session),
    metrics: new MetricsServiceImpl(session),
    export: new ExportServiceImpl(session),
  };
}
