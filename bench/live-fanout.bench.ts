/**
 * Push fan-out: server CPU per delivered message, socket.io broadcast (as the /live
 * gateway does it: namespace, rooms by area, `to([...rooms]).emit(type, message)`)
 * against a raw `ws` broadcast of the same payload (serialised once, sent to each).
 * Target (issue 6): socket.io at most 1.3x raw ws.
 *
 * Each server runs in its own child process and measures its own process.cpuUsage()
 * from the first send until every client has every message; the clients live in
 * this process, on loopback. Bounded: BENCH_CLIENTS (200) × BENCH_MESSAGES (500), BENCH_ROUNDS (3).
 * Run: node scripts/bench.mjs live-fanout
 */
import { fork } from 'node:child_process';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as IoServer } from 'socket.io';
import { io as ioClient, type Socket as IoClientSocket } from 'socket.io-client';
import WebSocket, { WebSocketServer } from 'ws';
import type { EventSummary, LiveMessage } from '@gc/contracts';

type Mode = 'socket.io' | 'ws';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = 10; // messages per event-loop turn, the same pacing for both servers
const PATH = '320104.320104001.320104001001';

/** An event.created message; its payload is of an event summary's size (the bench measures fan-out, not the shape). */
function message(seq: number): LiveMessage {
  return {
    seq,
    type: 'event.created',
    id: String(100000 + seq),
    at: new Date(1764000000000 + seq * 1000).toISOString(),
    areaPath: PATH,
    data: {
      id: 100000 + seq,
      title: '井盖缺失 manhole cover missing',
      category: { code: 'CG0101', name: '井盖' },
      state: 'reported',
      urgency: 'urgent',
      grid: { code: '320104001001', name: '第一网格' },
      lon: 118.79 + (seq % 100) / 10000,
      lat: 32.04 + (seq % 100) / 10000,
      dueAt: new Date(1764000000000 + seq * 1000 + 3600000).toISOString(),
    } as unknown as EventSummary,
  };
}

/**
 * The gateway's room rule (apps/api/src/modules/live/live-rooms.ts, LiveGateway.deliver), inlined
 * to keep the bench standalone: every ancestor area's room, the same rooms of each department
 * stamped on the change (department staff sit in `dept:<id>|area:<path>`), except the sockets
 * whose roles may not read that kind of record.
 */
function roomsForChange(areaPath: string, departments: number[]): string[] {
  const labels = areaPath.split('.');
  const rooms = ['area:*', ...labels.map((_, i) => `area:${labels.slice(0, i + 1).join('.')}`)];
  return [...rooms, ...departments.flatMap((d) => rooms.map((r) => `dept:${d}|${r}`))];
}

// ---------- server side (child process) ----------
function serve(mode: Mode): void {
  const http: HttpServer = createServer();
  let broadcast: (m: LiveMessage) => void;
  if (mode === 'socket.io') {
    const nsp = new IoServer(http, { serveClient: false, transports: ['websocket'] }).of('/live');
    // Of ten screens, five watch the whole territory, four a district, one is a department's
    // (its case): every message reaches all of them, as with the ws peer.
    let n = 0;
    nsp.on('connection', (s) => {
      const i = n++ % 10;
      void s.join(i === 9 ? 'dept:7|area:320104' : i % 2 ? 'area:*' : 'area:320104');
    });
    broadcast = (m) => nsp.to(roomsForChange(m.areaPath!, [7])).except('lacks:events:read').emit(m.type, m);
  } else {
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
    broadcast = (m) => {
      const frame = JSON.stringify([m.type, m]);
      for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(frame);
    };
  }
  http.listen(0, '127.0.0.1', () => process.send!({ port: (http.address() as AddressInfo).port }));
  let cpu0: NodeJS.CpuUsage;
  process.on('message', (cmd: { run?: number; done?: boolean }) => {
    if (cmd.run !== undefined) {
      cpu0 = process.cpuUsage();
      let seq = cmd.run;
      const end = cmd.run + MESSAGES;
      const step = () => {
        for (let i = 0; i < BATCH && seq < end; i++) broadcast(message(++seq));
        if (seq < end) setImmediate(step);
      };
      step();
    } else if (cmd.done) {
      const d = process.cpuUsage(cpu0);
      process.send!({ cpuUs: d.user + d.system });
    }
  });
}

// ---------- client side (this process) ----------
interface Round {
  cpuUs: number;
  ms: number;
}

async function round(mode: Mode, seqBase: number): Promise<Round> {
  const child = fork(__filename, ['--server', mode], { stdio: 'inherit' });
  const next = <T>() => new Promise<T>((r) => child.once('message', (m) => r(m as T)));
  const { port } = await next<{ port: number }>();
  const counts = new Array<number>(CLIENTS).fill(0);
  let complete = 0;
  let resolveAll!: () => void;
  const allIn = new Promise<void>((r) => (resolveAll = r));
  const onMessage = (i: number) => {
    if (++counts[i] === MESSAGES && ++complete === CLIENTS) resolveAll();
  };
  const closers: (() => void)[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) =>
      mode === 'socket.io'
        ? new Promise<void>((ok, fail) => {
            const s: IoClientSocket = ioClient(`http://127.0.0.1:${port}/live`, { transports: ['websocket'], forceNew: true, reconnection: false });
            s.on('event.created', () => onMessage(i));
            s.once('connect', () => ok());
            s.once('connect_error', fail);
            closers.push(() => s.close());
          })
        : new Promise<void>((ok, fail) => {
            const s = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
            // Parse like socket.io's client does, so both sides do comparable client work.
            s.on('message', (data) => {
              JSON.parse(String(data));
              onMessage(i);
            });
            s.once('open', () => ok());
            s.once('error', fail);
            closers.push(() => s.close());
          }),
    ),
  );
  await new Promise((r) => setTimeout(r, 200)); // let the joins settle
  const t0 = process.hrtime.bigint();
  child.send({ run: seqBase });
  await allIn;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  child.send({ done: true });
  const { cpuUs } = await next<{ cpuUs: number }>();
  for (const c of closers) c();
  child.kill();
  await new Promise((r) => child.once('exit', r));
  return { cpuUs, ms };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const deliveries = CLIENTS * MESSAGES;
  console.log(`live fan-out: ${CLIENTS} clients × ${MESSAGES} messages = ${deliveries} deliveries per round, ${ROUNDS} rounds, loopback`);
  const results: Record<Mode, Round[]> = { 'socket.io': [], ws: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order so warm-up and machine noise fall on both.
    for (const mode of (r % 2 ? ['ws', 'socket.io'] : ['socket.io', 'ws']) as Mode[]) results[mode].push(await round(mode, r * MESSAGES));
  }
  const perMsg: Record<Mode, number> = { 'socket.io': 0, ws: 0 };
  for (const mode of ['socket.io', 'ws'] as Mode[]) {
    const cpu = median(results[mode].map((x) => x.cpuUs));
    const ms = median(results[mode].map((x) => x.ms));
    perMsg[mode] = cpu / deliveries;
    console.log(
      `${mode.padEnd(9)} server CPU ${(cpu / 1000).toFixed(0)} ms = ${perMsg[mode].toFixed(2)} µs per delivered message; ` +
        `${Math.round(deliveries / (ms / 1000))} deliveries/s (median of ${ROUNDS})`,
    );
  }
  const ratio = perMsg['socket.io'] / perMsg.ws;
  console.log(`ratio socket.io / raw ws: ${ratio.toFixed(2)}x (target ≤ 1.3x: ${ratio <= 1.3 ? 'met' : 'NOT met'})`);
}

if (process.argv[2] === '--server') serve(process.argv[3] as Mode);
else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
