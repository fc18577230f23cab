import type { ChangeType, LiveMessage } from '@gc/contracts';

/**
 * What one screen does with each live message type: exactly one handler per type of
 * LiveMessageMap (TypeScript requires every key; live-handlers.spec.ts checks every screen's
 * table). A handler sorts the message into the screen's batch; the screen applies the batch.
 */
export type LiveHandlers<B> = { readonly [K in ChangeType]: (batch: B, m: LiveMessage<K>) => void };

/** The handler of a type this screen does not show (named, so the table says so). */
export function notShown(): void {}

/** A screen's batch: at least the highest seq it has seen (where a reconnect catches up from). */
export interface LiveBatch {
  seq: number;
}

/** Hands each message to its type's handler in seq order; a type this client does not know is skipped. */
export function routeLive<B extends LiveBatch>(handlers: LiveHandlers<B>, messages: readonly LiveMessage[], batch: B): B {
  for (const m of [...messages].sort((a, b) => a.seq - b.seq)) {
    batch.seq = Math.max(batch.seq, m.seq);
    const handle = handlers[m.type] as ((b: B, m: LiveMessage) => void) | undefined;
    if (handle) handle(batch, m);
  }
  return batch;
}
