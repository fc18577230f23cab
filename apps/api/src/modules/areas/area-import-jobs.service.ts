import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { ApiError, ImportResponse } from '@gc/contracts';
import { AppException } from '../../core/http/app-exception';
import { ErrorFilter } from '../../core/http/error.filter';
import type { Principal } from '../auth/principal';
import { AreaImportService, ImportCancelled, type ImportOptions, type ImportPhase } from './area-import.service';
import type { FeatureCollectionInput } from './geojson-check';

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface ImportJobView {
  id: string;
  status: JobStatus;
  /** a cancel was asked and the job stops at its next step */
  cancelRequested: boolean;
  progress: { phase: ImportPhase; done: number; total: number };
  features: number;
  vertices: number;
  /** the draft version it writes into, once it has one */
  versionId: number | null;
  startedAt: string;
  finishedAt: string | null;
  /** when succeeded: what the one-transaction import answers */
  result: ImportResponse | null;
  /** when failed: the error the one-transaction import would have answered */
  error: ApiError | null;
}

interface Job extends ImportJobView {
  owner: string;
}

/** Finished jobs are kept this long for their owner to read the results. */
const KEEP_FINISHED_MS = 60 * 60 * 1000;

/**
 * Large area imports as background jobs (issue #16 §3): the request answers 202 with the job at
 * once; the job runs in steps (AreaImportService.importInSteps) that leave the event loop and the
 * database to other requests between them; its owner reads progress and the result, or cancels it.
 * Jobs live in the process that runs them (the deployment uses sticky sessions): a restart loses a
 * running job, and its half-filled draft version stays behind as a draft (delete it or import again).
 */
@Injectable()
export class AreaImportJobs {
  private readonly logger = new Logger('AreaImportJobs');
  private readonly jobs = new Map<string, Job>();
  private readonly errors = new ErrorFilter();

  constructor(private readonly importer: AreaImportService) {}

  start(p: Principal, fc: FeatureCollectionInput, o: ImportOptions, size: { features: number; vertices: number }): ImportJobView {
    this.forgetOld();
    const job: Job = {
      id: randomUUID(),
      owner: ownerOf(p),
      status: 'running',
      cancelRequested: false,
      progress: { phase: 'checking', done: 0, total: size.features },
      features: size.features,
      vertices: size.vertices,
      versionId: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      result: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    void this.run(job, p, fc, o);
    return view(job);
  }

  get(p: Principal, id: string): ImportJobView {
    return view(this.own(p, id));
  }

  cancel(p: Principal, id: string): ImportJobView {
    const job = this.own(p, id);
    if (job.status !== 'running') throw new AppException('CONFLICT', `import job ${id} has already ${job.status}`, { job: id, status: job.status });
    job.cancelRequested = true;
    return view(job);
  }

  /** Publishing a draft while a job of this process still writes into it would publish half of it. */
  assertNotWriting(versionId: number): void {
    for (const job of this.jobs.values()) {
      if (job.status === 'running' && job.versionId === versionId) {
        throw new AppException('CONFLICT', `area version ${versionId} is still being imported (job ${job.id}); publish it when the job has finished`, { versionId, job: job.id });
      }
    }
  }

  /** The job, if it exists and is the caller's (another caller's job is not found, not forbidden). */
  private own(p: Principal, id: string): Job {
    const job = this.jobs.get(id);
    if (!job || (job.owner !== ownerOf(p) && !p.roles.includes('admin'))) throw new AppException('NOT_FOUND', `import job ${id} not found`, { job: id });
    return job;
  }

  private async run(job: Job, p: Principal, fc: FeatureCollectionInput, o: ImportOptions): Promise<void> {
    try {
      job.result = await this.importer.importInSteps(p, fc, o, {
        cancelled: () => job.cancelRequested,
        progress: (phase, done, total) => (job.progress = { phase, done, total }),
        writing: (versionId) => (job.versionId = versionId),
      });
      job.status = 'succeeded';
    } catch (e) {
      if (e instanceof ImportCancelled) {
        job.status = 'cancelled';
      } else {
        const [status, body] = this.errors.toResponse(e);
        if (status >= 500) this.logger.error(`import job ${job.id}: ${(e as Error)?.stack ?? String(e)}`);
        job.status = 'failed';
        job.error = body;
      }
    } finally {
      job.finishedAt = new Date().toISOString();
    }
  }

  private forgetOld(): void {
    const before = Date.now() - KEEP_FINISHED_MS;
    for (const [id, job] of this.jobs) if (job.finishedAt && Date.parse(job.finishedAt) < before) this.jobs.delete(id);
  }
}

const ownerOf = (p: Principal) => `${p.kind}:${p.id}`;

function view(job: Job): ImportJobView {
  const { owner: _, ...rest } = job;
  return { ...rest, progress: { ...rest.progress } };
}
