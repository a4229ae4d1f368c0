/** The root Socket.IO namespace serves nothing, so it refuses every connection; /live still connects. */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';

function outcome(url: string): Promise<string> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise<string>((resolve) => {
    socket.on('connect', () => resolve('connected'));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message));
  }).finally(() => socket.close());
}

describe('the root namespace', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix());
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('refuses connections, with or without a trailing slash, while /live connects', async () => {
    expect(await outcome(hub.url)).toBe('namespace-refused');
    expect(await outcome(`${hub.url}/`)).toBe('namespace-refused');
    // no SCREEN_TOKENS: /live is open to anyone here, so only the namespace can explain a refusal
    expect(await outcome(`${hub.url}/live`)).toBe('connected');
    expect(hub.server.listening).toBe(true);
  });
});
