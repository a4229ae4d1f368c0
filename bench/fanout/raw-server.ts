/**
 * The baseline: a plain Socket.IO server (websocket only, no adapter) broadcasting a payload of a
 * given size to every client at a fixed interval, stamped with its send time.
 *   node --import tsx bench/fanout/raw-server.ts <port> <bytes> <intervalMs>
 */
import http from 'node:http';
import { Server } from 'socket.io';

const [port, bytes, intervalMs] = process.argv.slice(2).map(Number) as [number, number, number];
const server = http.createServer();
const io = new Server(server, { transports: ['websocket'], serveClient: false });
const pad = 'x'.repeat(Math.max(0, bytes - 30));
server.listen(port, '127.0.0.1', () => process.send?.({ type: 'listening' }));
setInterval(() => io.emit('delta', { sentAt: Date.now(), pad }), intervalMs);
process.on('disconnect', () => process.exit(0));
