import { caseChange, type CasesBatch } from '../../events/state/cases-live';
import { notShown, type LiveHandlers } from '../../live/live-handlers';

/** A live batch as the inbox (department staff's open cases) takes it apart. */
export interface InboxBatch extends CasesBatch {
  summonsChanged: boolean;
}

export const newInboxBatch = (): InboxBatch => ({ seq: 0, cases: [], news: [], summonsChanged: false });

const summons = (b: InboxBatch, m: Parameters<typeof caseChange>[1]) => {
  caseChange(b, m);
  b.summonsChanged = true;
};

/** The inbox's one handler per live message type: its cases and their summonses; it has no map, feed, warnings or workers. */
export const INBOX_LIVE: LiveHandlers<InboxBatch> = {
  'event.created': caseChange,
  'event.transitioned': caseChange,
  'event.escalated': caseChange,
  'summons.created': summons,
  'summons.answered': summons,
  'area.version.published': notShown,
  'warning.raised': notShown,
  'warning.updated': notShown,
  'worker.position': notShown,
};
