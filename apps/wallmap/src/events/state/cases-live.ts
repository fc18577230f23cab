import type { LiveMessage } from '@gc/contracts';
import type { LiveBatch } from '../../live/live-handlers';

/** The change types whose payload is a case's EventSummary (a summons change carries its case too). */
export type CaseChangeType = 'event.created' | 'event.transitioned' | 'event.escalated' | 'summons.created' | 'summons.answered';

/** What the cases store takes from a live batch: case changes, other news for the feed, the highest seq seen. */
export interface CasesBatch extends LiveBatch {
  cases: LiveMessage<CaseChangeType>[];
  news: LiveMessage[];
}

export const caseChange = (b: CasesBatch, m: LiveMessage<CaseChangeType>) => void b.cases.push(m);
export const news = (b: CasesBatch, m: LiveMessage) => void b.news.push(m);
