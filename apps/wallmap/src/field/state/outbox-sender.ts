import { NetworkDown, postKeyed, uploadPhoto } from '../api/field-http';
import { outboxDb } from './outbox-db';
import { bodyOf, classify, followUp, needsUpload, sendable, type OutboxItem } from './outbox';

type Listener = (items: OutboxItem[]) => void;
const listeners = new Set<Listener>();
let flushing: Promise<void> | null = null;

async function notify(): Promise<void> {
  const items = await outboxDb.all();
  for (const l of listeners) l(items);
}

export function onOutbox(l: Listener): () => void {
  listeners.add(l);
  void outboxDb.all().then(l);
  return () => listeners.delete(l);
}

/** Keep an item, then try to send everything waiting. */
export async function enqueue(item: OutboxItem): Promise<void> {
  await outboxDb.put(item);
  await notify();
  await flushOutbox();
}

/**
 * Send what waits, oldest first, one at a time; stop at the first network failure (the rest
 * would fail the same way) and resume on the next `online` event or timer. Each request carries
 * the item's Idempotency-Key, so an item sent again after a lost answer is still one record.
 */
export function flushOutbox(): Promise<void> {
  flushing ??= (async () => {
    try {
      for (const item of sendable(await outboxDb.all())) {
        if (!(await sendOne(item))) break;
      }
    } finally {
      flushing = null;
      await notify();
    }
  })();
  return flushing;
}

/** false: the network is down, stop for now. */
async function sendOne(item: OutboxItem): Promise<boolean> {
  try {
    if (needsUpload(item)) {
      const up = await uploadPhoto(item.photo!, item.photoName ?? 'photo.jpg');
      const url = (up.data as { url?: string } | null)?.url;
      if (classify(up.status) === 'sent' && url) {
        item = { ...item, uploaded: { url, name: item.photoName, type: item.photo!.type || undefined }, photo: null };
        await outboxDb.put(item);
      } else if (classify(up.status) === 'retry') {
        return true;
      } else {
        await outboxDb.put({ ...item, refused: (up.data as { code?: string } | null)?.code ?? String(up.status) });
        return true;
      }
    }
    const res = await postKeyed(item.url, bodyOf(item), item.key);
    const outcome = classify(res.status);
    if (outcome === 'sent') {
      const next = followUp(item, Number((res.data as { id?: number } | null)?.id));
      if (next) await outboxDb.put(next);
      await outboxDb.remove(item.key);
    } else if (outcome === 'refused') await outboxDb.put({ ...item, refused: (res.data as { message?: string } | null)?.message ?? String(res.status) });
    else await outboxDb.put({ ...item, attempts: item.attempts + 1 });
    return true;
  } catch (e) {
    if (e instanceof NetworkDown) return false;
    throw e;
  }
}

/** Discard a refused item (the worker saw why). */
export async function discard(key: string): Promise<void> {
  await outboxDb.remove(key);
  await notify();
}
