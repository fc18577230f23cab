import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import { LIVE_NAMESPACE, type ChangesResponse, type ClientToServerEvents, type LiveMessage, type ServerToClientEvents } from '@gc/contracts';
import { asBackground } from '../../core/database/background-work';
import { AppException } from '../../core/http/app-exception';
import { AuthService } from '../auth/auth.service';
import type { Principal } from '../auth/principal';
import { CHANGE_PERMISSIONS, CHANGE_READ_PERMISSION, viewerOf } from '../auth/visibility';
import { ChangesService, MAX_CHANGES_PAGE, MAX_SUBSCRIBE_AREAS } from './changes.service';
import { areaRoomOf, lacksRoom, roomOfScope, roomsForChange, viewerRooms } from './live-rooms';
import { LiveTailer, type LiveSink } from './live-tailer.service';

interface SocketData {
  principal: Principal;
  /** the signed-in session (refresh-token family) of a user's socket */
  family?: string;
  /** the API key of another system's socket, re-checked like a session */
  apiKey?: string;
}

/** How often open sockets re-check that their session or API key is still valid (a sign-out elsewhere, a revoked key). */
export const SESSION_RECHECK_MS = 5000;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const subscribeRequest = z.strictObject({ areas: z.array(z.string().max(64)).max(MAX_SUBSCRIBE_AREAS) });
const sinceRequest = z.strictObject({
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  limit: z.number().int().min(1).max(MAX_CHANGES_PAGE).optional(),
});

const problem = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');

/** The JWT's expiry (already verified by AuthService), to end the socket when the token ends. */
function expiryOf(token: string): number | null {
  try {
    const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * The one realtime gateway: socket.io namespace /live. The handshake carries the
 * access token (or an API key) in `auth.token`; a socket joins the room of its
 * jurisdiction and may narrow it with `subscribe`. Changes come from the outbox
 * tailer (this process's copy), each under its type with its `seq`.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, LiveSink, OnModuleDestroy {
  private readonly logger = new Logger('LiveGateway');
  @WebSocketServer() private nsp?: LiveNamespace;
  private recheck?: NodeJS.Timeout;
  private stopListening?: () => void;

  constructor(
    private readonly auth: AuthService,
    private readonly changes: ChangesService,
    tailer: LiveTailer,
  ) {
    tailer.attach(this);
  }

  afterInit(nsp: LiveNamespace): void {
    // Signing out closes that session's sockets at once in this process; in the others within SESSION_RECHECK_MS.
    this.stopListening = this.auth.onSessionEnded((ended) =>
      this.close((d) => ('family' in ended ? d.family === ended.family : d.principal.kind === 'user' && d.principal.id === ended.userId)),
    );
    this.recheck = setInterval(() => void asBackground('session-recheck', () => this.recheckSessions()), SESSION_RECHECK_MS);
    this.recheck.unref();
    nsp.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (e: unknown) => {
          const known = e instanceof AppException;
          if (!known) this.logger.error(`live handshake failed: ${(e as Error)?.message}`);
          const err = new Error(known ? e.message : 'cannot check credentials now; retry') as Error & { data?: unknown };
          err.data = { code: known ? e.code : 'INTERNAL' };
          next(err);
        },
      );
    });
  }

  async handleConnection(socket: LiveSocket): Promise<void> {
    const p = socket.data.principal;
    const room = roomOfScope(p.scopePath);
    // Who may see what (auth/visibility.ts): department staff sit in their department's room of
    // the area; a role that lacks a permission reading some kind of change is kept out of it.
    await socket.join([...viewerRooms(viewerOf(p).departmentId, [room]), ...CHANGE_PERMISSIONS.filter((x) => !p.permissions.has(x)).map(lacksRoom)]);
    // Join first, then read `latest`: any seq above it commits after this point, so the
    // tailer emits it after the join and this socket receives it. Nothing falls in between.
    try {
      socket.emit('hello', { latest: await this.changes.latest(), rooms: [room] });
    } catch (e) {
      this.logger.error(`live hello failed: ${(e as Error).message}`);
      socket.disconnect(true);
    }
  }

  onModuleDestroy(): void {
    if (this.recheck) clearInterval(this.recheck);
    this.stopListening?.();
  }

  /** Close every socket of this process whose data matches (its session ended). */
  private close(match: (d: SocketData) => boolean): void {
    for (const socket of this.nsp?.sockets.values() ?? []) if (socket.data.principal && match(socket.data)) socket.disconnect(true);
  }

  /** Sessions signed out and API keys revoked since the sockets connected (also through another process). */
  async recheckSessions(): Promise<void> {
    const sockets = [...(this.nsp?.sockets.values() ?? [])];
    const ended = new Set<string>();
    for (const family of new Set(sockets.map((s) => s.data.family).filter((f): f is string => !!f))) {
      try {
        if (!(await this.auth.sessionActive(family))) ended.add(family);
      } catch (e) {
        this.logger.warn(`live session check failed: ${(e as Error).message}`); // keep the sockets; the next round checks again
      }
    }
    const revokedKeys = new Set<string>();
    for (const key of new Set(sockets.map((s) => s.data.apiKey).filter((k): k is string => !!k))) {
      try {
        await this.auth.verifyApiKey(key);
      } catch (e) {
        if (e instanceof AppException) revokedKeys.add(key);
      }
    }
    if (ended.size || revokedKeys.size) this.close((d) => (d.family !== undefined && ended.has(d.family)) || (d.apiKey !== undefined && revokedKeys.has(d.apiKey)));
  }

  /**
   * Called by the tailer in seq order: every ancestor area's room plus the whole territory, the
   * same rooms of the departments stamped on the change, except the sockets whose roles may not
   * read that kind of record (one copy per socket). The catch-up applies the same rule in SQL.
   */
  deliver(m: LiveMessage, departments: number[] | null = null): void {
    // socket.io encodes a message before it looks for receivers: with no socket here, skip it.
    if (!this.listening()) return;
    const permission = CHANGE_READ_PERMISSION[m.type];
    if (!permission) return; // a kind of change nobody was granted: fail closed
    this.nsp!.to(roomsForChange(m.areaPath, departments)).except(lacksRoom(permission)).emit(m.type, m as never); // m is LiveMessage<typeof m.type>: socket.io's typing cannot follow the union
  }

  listening(): boolean {
    return !!this.nsp && this.nsp.sockets.size > 0;
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<{ ok: boolean; rooms: string[]; error?: string }> {
    const parsed = subscribeRequest.safeParse(body);
    if (!parsed.success) return { ok: false, rooms: this.areaRooms(socket), error: problem(parsed.error) };
    try {
      const rooms = viewerRooms(viewerOf(socket.data.principal).departmentId, await this.changes.roomsFor(socket.data.principal, parsed.data.areas));
      // Leave and join in the same tick: the in-memory adapter is synchronous, so no message slips between.
      for (const r of [...socket.rooms]) if (areaRoomOf(r) !== null && !rooms.includes(r)) void socket.leave(r);
      void socket.join(rooms);
      return { ok: true, rooms: this.areaRooms(socket) };
    } catch (e) {
      return { ok: false, rooms: this.areaRooms(socket), error: this.message(e) };
    }
  }

  @SubscribeMessage('since')
  async since(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<ChangesResponse & { error?: string }> {
    const parsed = sinceRequest.safeParse(body);
    try {
      if (!parsed.success) return { changes: [], latest: await this.changes.latest(), error: problem(parsed.error) };
      // Only what this socket would have been sent: its jurisdiction, narrowed to the areas it subscribed to.
      return await this.changes.since(socket.data.principal, parsed.data.seq, parsed.data.limit ?? 500, this.areaRooms(socket));
    } catch (e) {
      return { changes: [], latest: -1, error: this.message(e) };
    }
  }

  private async authenticate(socket: LiveSocket): Promise<void> {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    const token = typeof auth.token === 'string' ? auth.token.trim() : '';
    if (!token) throw new AppException('UNAUTHENTICATED', 'send the access token (or an API key) as auth.token in the handshake');
    let principal: Principal;
    let expiresAt: number | null = null;
    if (token.startsWith('gck_')) {
      principal = await this.auth.verifyApiKey(token);
      socket.data.apiKey = token;
    } else {
      const verified = await this.auth.verifyAccessToken(token);
      principal = verified.principal;
      socket.data.family = verified.family;
      expiresAt = expiryOf(token);
    }
    if (!principal.permissions.has('changes:read')) {
      throw new AppException('FORBIDDEN', 'your role does not allow live changes (needs changes:read)', { permission: 'changes:read' });
    }
    socket.data.principal = principal;
    if (expiresAt !== null) {
      // The socket lives no longer than its token; the client reconnects with a fresh one and catches up by seq.
      const timer = setTimeout(() => socket.disconnect(true), Math.max(0, expiresAt - Date.now()));
      timer.unref();
      socket.once('disconnect', () => clearTimeout(timer));
    }
  }

  /** The areas a socket watches, as area rooms (also for department staff's `dept:<id>|area:…` rooms). */
  private areaRooms(socket: LiveSocket): string[] {
    return [...socket.rooms].map(areaRoomOf).filter((r): r is string => r !== null);
  }

  private message(e: unknown): string {
    if (e instanceof AppException) return e.message;
    this.logger.error(`live request failed: ${(e as Error)?.message}`);
    return 'internal error; retry';
  }
}
