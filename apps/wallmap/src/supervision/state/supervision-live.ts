import type { LiveMessage } from '@gc/contracts';
import { notShown, type LiveBatch, type LiveHandlers } from '../../live/live-handlers';

export type WarningChange = LiveMessage<'warning.raised' | 'warning.updated'>;

/** A live batch as the supervision page takes it apart: its warnings (indicators are read per period, not live). */
export interface SupervisionBatch extends LiveBatch {
  warnings: WarningChange[];
}

export const newSupervisionBatch = (): SupervisionBatch => ({ seq: 0, warnings: [] });

const warning = (b: SupervisionBatch, m: WarningChange) => void b.warnings.push(m);

/** The supervision page's one handler per live message type. */
export const SUPERVISION_LIVE: LiveHandlers<SupervisionBatch> = {
  'event.created': notShown,
  'event.transitioned': notShown,
  'event.escalated': notShown,
  'summons.created': notShown,
  'summons.answered': notShown,
  'area.version.published': notShown,
  'warning.raised': warning,
  'warning.updated': warning,
  'worker.position': notShown,
};
