import type { LiveMessage } from '@gc/contracts';
import { caseChange, news, type CasesBatch } from '../../events/state/cases-live';
import type { LiveHandlers } from '../../live/live-handlers';

/** A live batch as the wall (and the console) takes it apart. */
export interface WallBatch extends CasesBatch {
  warnings: LiveMessage<'warning.raised' | 'warning.updated'>[];
  workers: LiveMessage<'worker.position'>[];
  /** an area version was published: grids redrawn, what is attributed to them reloads */
  areasRedrawn: boolean;
  /** a summons was created or answered: the summons board reloads */
  summonsChanged: boolean;
}

export const newWallBatch = (): WallBatch => ({ seq: 0, cases: [], news: [], warnings: [], workers: [], areasRedrawn: false, summonsChanged: false });

const summons = (b: WallBatch, m: LiveMessage<'summons.created' | 'summons.answered'>) => {
  caseChange(b, m);
  b.summonsChanged = true;
};
const warning = (b: WallBatch, m: LiveMessage<'warning.raised' | 'warning.updated'>) => {
  news(b, m);
  b.warnings.push(m);
};

/** The wall's one handler per live message type. */
export const WALL_LIVE: LiveHandlers<WallBatch> = {
  'event.created': caseChange,
  'event.transitioned': caseChange,
  'event.escalated': caseChange,
  'summons.created': summons,
  'summons.answered': summons,
  'area.version.published': (b, m) => {
    news(b, m);
    b.areasRedrawn = true;
  },
  'warning.raised': warning,
  'warning.updated': warning,
  // positions every few seconds would push every case out of the feed: the workers layer only
  'worker.position': (b, m) => void b.workers.push(m),
};
