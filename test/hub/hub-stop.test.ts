import net from 'node:net';
import { io as connectLive } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';

describe('stopping a hub', () => {
  it('takes seconds, not the 60 s a silent connection or an open WebSocket would hold it', async () => {
    const hub = await startTestHub(testPrefix());
    // What a browser leaves behind: a preconnected socket that never sends a request...
    const silent = net.connect(hub.port, '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    silent.on('error', () => undefined);
    // ...and a live WebSocket.
    const client = connectLive(`${hub.url}/live`, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });

    const t0 = Date.now();
    await hub.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(silent.destroyed || silent.readyState === 'closed').toBe(true);
    client.close();
  });
});
