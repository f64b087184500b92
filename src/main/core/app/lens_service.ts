// LensService: the session. It holds the open Project, the event bus and the job runner, and
// composes the services (core/services/): `api` is the LensApi both transports dispatch to. Both transports
// (Electron IPC, browser-mode WebSocket) and the CLI's server use this one class.
import { mkdirSync } from 'node:fs';
import type { LensEvent, Session } from '../../../shared/api.js';
import type { SpaceInfo } from '../../../shared/views/spaces.js';
import type { Dataset } from '../datasets/dataset.js';
import type { Project } from '../project/project.js';
import { EventBus, JobRunner, type Listener } from '../jobs/job_runner.js';
import type { LensServiceOptions, ServiceSession } from '../services/context.js';
import { createServices, type Services } from '../services/index.js';

export type { LensServiceOptions } from '../services/context.js';
export { DEFAULT_SAMPLE } from '../services/datasets.js';

export class LensService implements ServiceSession {
  readonly events = new EventBus();
  readonly jobs = new JobRunner(this.events);
  readonly chosenFolders: string[] = [];
  readonly api: Services;
  private open: Project | null = null;

  constructor(readonly options: LensServiceOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.api = createServices(this);
  }

  onEvent(fn: Listener): () => void {
    return this.events.on(fn);
  }

  emit(e: LensEvent): void {
    this.events.emit(e);
  }

  project(): Project {
    if (!this.open) throw new Error('no dataset is open');
    return this.open;
  }

  currentProject(): Project | null {
    return this.open;
  }

  adopt(p: Project): void {
    const prev = this.open;
    this.open = p;
    if (prev !== p) prev?.close();
  }

  /** The open dataset (for the lens:// protocol and the CLI). */
  current(): Dataset | null {
    return this.open?.ds ?? null;
  }

  restore(jobId = 'startup'): Promise<Session> {
    return this.api.datasets.restore(jobId);
  }

  sampleDir(): string {
    return this.api.datasets.sampleDir();
  }

  listSpaces(): SpaceInfo[] {
    return this.api.spaces.list();
  }

  close(): void {
    this.jobs.cancelAll();
    this.open?.close();
    this.open = null;
  }
}
