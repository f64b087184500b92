// jobs.*: cancelling a running job by its id.
import type { JobsService } from '../../../shared/api.js';
import type { ServiceSession } from './context.js';

export class JobsServiceImpl implements JobsService {
  constructor(private readonly s: ServiceSession) {}

  async cancel(req: { jobId: string }): Promise<boolean> {
    return this.s.jobs.cancel(req.jobId);
  }
}
