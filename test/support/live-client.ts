import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type ClientToServerEvents, type LiveMessage, type ServerToClientEvents } from '@gc/contracts';

export type LiveClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket.io client on /live that records every change it receives, in arrival order. */
export interface LiveClient {
  socket: LiveClientSocket;
  hello: { latest: number; rooms: string[] };
  received: LiveMessage[];
  /** Resolves once `predicate` holds for the received list (rejects after `ms`, so a failure is an error, not a hang). */
  until(predicate: (received: LiveMessage[]) => boolean, ms?: number): Promise<void>;
  close(): void;
}

export async function connectLive(baseUrl: string, token: string | undefined): Promise<LiveClient> {
  const socket: LiveClientSocket = io(baseUrl + LIVE_NAMESPACE, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const received: LiveMessage[] = [];
  socket.onAny((event: string, message: LiveMessage) => {
    if (event !== 'hello') received.push(message);
  });
  const hello = await new Promise<{ latest: number; rooms: string[] }>((resolve, reject) => {
    socket.once('hello', resolve);
    socket.once('connect_error', (e: Error & { data?: { code?: string } }) => {
      socket.close();
      reject(Object.assign(new Error(e.message), { code: e.data?.code }));
    });
  });
  return {
    socket,
    hello,
    received,
    until: (predicate, ms = 15000) =>
      new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if (predicate(received)) return resolve();
          if (Date.now() - started > ms) return reject(new Error(`live client: condition not met; received seqs ${received.map((m) => m.seq).join(',')}`));
          setTimeout(check, 20);
        };
        check();
      }),
    close: () => socket.close(),
  };
}

/** The client rule for applying pushes and catch-up pages: keep a message only if its seq is above the last applied. */
export function applyBySeq(applied: LiveMessage[], incoming: LiveMessage[]): LiveMessage[] {
  const out = [...applied];
  for (const m of [...incoming].sort((a, b) => a.seq - b.seq)) {
    if (out.length === 0 || m.seq > out[out.length - 1].seq) out.push(m);
  }
  return out;
}
