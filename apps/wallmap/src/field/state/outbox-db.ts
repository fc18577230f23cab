import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxItem } from './outbox';

interface FieldDb extends DBSchema {
  outbox: { key: string; value: OutboxItem };
}

let db: Promise<IDBPDatabase<FieldDb>> | null = null;
const open = () => (db ??= openDB<FieldDb>('gc-field', 1, { upgrade: (d) => void d.createObjectStore('outbox', { keyPath: 'key' }) }));

/** The phone's outbox in IndexedDB: it survives a reload and a closed tab. */
export const outboxDb = {
  put: async (item: OutboxItem) => void (await (await open()).put('outbox', item)),
  all: async () => (await open()).getAll('outbox'),
  remove: async (key: string) => (await open()).delete('outbox', key),
};
