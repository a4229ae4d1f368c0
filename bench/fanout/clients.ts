/**
 * A child process holding many websocket clients, so the hub's CPU is measured alone. On /live
 * each client subscribes to a scope and matches the portal pv in each delta against the batches
 * the parent announced, giving ingest-to-client latency per event batch and client, and finds each
 * announced call (a ticket code) in the deltas of the rooms that show it: the center's and the
 * called window's.
 *   node --import tsx bench/fanout/clients.ts '<ClientsConfig JSON>'
 */
import { io, type Socket } from 'socket.io-client';
import type { Change, DeltaMessage, SnapshotMessage } from '../../common/live.ts';
import { Histogram } from './histogram.ts';
import type { ClientsConfig, FromClients, ToClients } from './protocol.ts';

const cfg = JSON.parse(process.argv[2] ?? '{}') as ClientsConfig;
const send = (m: FromClients) => process.send!(m);

let eventToClient = new Histogram();
let callToCenter = new Histogram();
let callToWindow = new Histogram();
let callToSend = new Histogram();
let callsExpected = 0;
/** Calls announced and not yet seen, per client: code → ingest start. */
const calls = new Map<string, { window: string; t: number }>();
let sendToClient = new Histogram();
let messages = 0;
let messageBytes = 0;
let disconnects = 0;
const batches: { pv: number; t: number }[] = [];
let basePv = 0;

interface Client {
  socket: Socket;
  scope: string;
  nextBatch: number;
  ready: boolean;
  /** Announced calls this client's room shows and it has not seen yet. */
  awaiting: Set<string>;
}
const clients: Client[] = [];

/**
 * The text of a delta's changes, once per room and seq: every client of a room gets the same
 * delta, and 500 clients stringifying it each would queue the later ones behind the bench's own
 * work (a screen holds one socket, not 500), inflating the call latency the raw broadcast beside
 * it does not pay.
 */
const changesText = new Map<string, string>();
function textOf(msg: DeltaMessage): string {
  const key = `${msg.scope}#${msg.seq}`;
  let text = changesText.get(key);
  if (text === undefined) {
    if (changesText.size > 1000) changesText.clear();
    text = JSON.stringify(msg.changes);
    changesText.set(key, text);
  }
  return text;
}

function pvOf(changes: Change[]): number | null {
  for (const [path, value] of changes) {
    if (path[0] === 'portal' && path[1] === 'pv' && path.length === 2) return value as number;
    if (path[0] === 'portal' && path.length === 1) return (value as { pv: number }).pv;
    if (path.length === 0) return (value as { portal: { pv: number } }).portal.pv;
  }
  return null;
}

function open(): Promise<void> {
  return new Promise((resolve) => {
    const path = cfg.mode === 'live' ? '/live' : '/';
    const socket = io(`${cfg.url}${path}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    const scope = cfg.scopes ? cfg.scopes[clients.length % cfg.scopes.length]! : cfg.scope;
    const client: Client = { socket, scope, nextBatch: 0, ready: false, awaiting: new Set() };
    clients.push(client);
    socket.on('disconnect', () => {
      disconnects++;
    });
    socket.on('connect_error', () => resolve());
    if (cfg.mode === 'live') {
      socket.on('connect', () => socket.emit('subscribe', { scope }, () => undefined));
      socket.on('snapshot', (msg: SnapshotMessage) => {
        basePv = Math.max(basePv, msg.snapshot.portal.pv);
        client.nextBatch = batches.findIndex((b) => b.pv > msg.snapshot.portal.pv);
        if (client.nextBatch < 0) client.nextBatch = batches.length;
        if (!client.ready) {
          client.ready = true;
          resolve();
        }
      });
      socket.on('delta', (msg: DeltaMessage) => {
        const at = Date.now();
        messages++;
        if (messages % 97 === 0) messageBytes += JSON.stringify(msg).length * 97;
        if (msg.sentAt !== undefined) sendToClient.add(at - msg.sentAt);
        if (client.awaiting.size > 0) {
          const text = textOf(msg);
          for (const code of client.awaiting) {
            const call = calls.get(code);
            if (!call || !text.includes(`"${code}"`)) continue;
            client.awaiting.delete(code);
            (client.scope.startsWith('window:') ? callToWindow : callToCenter).add(at - call.t);
            if (msg.sentAt !== undefined) callToSend.add(msg.sentAt - call.t);
          }
        }
        const pv = pvOf(msg.changes);
        if (pv === null) return;
        while (client.nextBatch < batches.length && batches[client.nextBatch]!.pv <= pv) {
          eventToClient.add(at - batches[client.nextBatch]!.t);
          client.nextBatch++;
        }
      });
    } else {
      socket.on('connect', () => {
        client.ready = true;
        resolve();
      });
      socket.on('delta', (msg: { sentAt: number; pad: string }) => {
        messages++;
        if (messages % 97 === 0) messageBytes += JSON.stringify(msg).length * 97;
        sendToClient.add(Date.now() - msg.sentAt);
      });
    }
  });
}

process.on('message', (m: ToClients) => {
  if (m.type === 'batch') batches.push({ pv: m.pv, t: m.t });
  else if (m.type === 'call') {
    calls.set(m.code, { window: m.window, t: m.t });
    for (const c of clients) {
      if (!c.ready || !(c.scope === `window:${m.window}` || c.scope.startsWith('center:'))) continue;
      c.awaiting.add(m.code);
      callsExpected++;
    }
  } else if (m.type === 'reset') {
    eventToClient = new Histogram();
    callToCenter = new Histogram();
    callToWindow = new Histogram();
    callToSend = new Histogram();
    callsExpected = 0;
    for (const c of clients) c.awaiting.clear();
    sendToClient = new Histogram();
    messages = 0;
    messageBytes = 0;
  } else if (m.type === 'report') {
    send({
      type: 'report',
      connected: clients.filter((c) => c.socket.connected).length,
      eventToClient: eventToClient.toPairs(),
      callToCenter: callToCenter.toPairs(),
      callToWindow: callToWindow.toPairs(),
      callToSend: callToSend.toPairs(),
      callsExpected,
      callsMissed: clients.reduce((a, c) => a + c.awaiting.size, 0),
      sendToClient: sendToClient.toPairs(),
      messages,
      messageBytes,
      disconnects,
    });
  }
});
process.on('disconnect', () => process.exit(0));

// Connect in waves, as a hall of screens coming up would not all land in the same millisecond.
const WAVE = 100;
for (let i = 0; i < cfg.count; i += WAVE) {
  await Promise.all(Array.from({ length: Math.min(WAVE, cfg.count - i) }, open));
}
send({ type: 'ready', connected: clients.filter((c) => c.ready).length, basePv });
