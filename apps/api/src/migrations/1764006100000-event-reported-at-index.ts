import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cases by time of report (issue 19): the supervision facts' initial build reads the cases of a
 * chunk of days, and the raw indicators (the benchmark's peer, a report over a period) the cases
 * of a quarter; without this index each is a scan of every case.
 */
export class EventReportedAtIndex1764006100000 implements MigrationInterface {
  name = 'EventReportedAtIndex1764006100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX event_reported_at_idx ON event (reported_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX event_reported_at_idx`);
  }
}
