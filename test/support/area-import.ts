import type { TestApp } from './app';

/**
 * POST /api/areas/import and, when the import is large enough to run as a job (202), follow the job
 * to its end. Answers what the one-transaction import answers: 201 and its results, or the error.
 */
export async function importAreas(t: TestApp, url: string, payload: unknown, headers: Record<string, string>): Promise<{ statusCode: number; body: any }> {
  const res = await t.app.inject({ method: 'POST', url, headers, payload: payload as object });
  if (res.statusCode !== 202) return { statusCode: res.statusCode, body: res.json() };
  for (;;) {
    const job = (await t.app.inject({ method: 'GET', url: res.headers.location as string, headers })).json();
    if (job.status === 'succeeded') return { statusCode: 201, body: job.result };
    if (job.status !== 'running') return { statusCode: job.error ? 422 : 409, body: job.error ?? job };
    await new Promise((r) => setTimeout(r, 50));
  }
}
