/**
 * A small TCP front for the scale-out tests, standing in for the load balancer before the hubs:
 * each connection goes to the first target port that accepts it (failover), and `cut(ms)` drops
 * every connection and refuses new ones for a while (a network outage).
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Drops all connections now and refuses new ones for `ms`. */
  cut(ms: number): void;
  /** Connections let through since the start, and sockets (either side) open now. */
  connections(): { accepted: number; open: number };
  close(): Promise<void>;
}

export async function startTcpProxy(targets: () => number[]): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let refuseUntil = 0;
  let accepted = 0;

  const connectFirst = (ports: number[]): Promise<net.Socket | null> =>
    new Promise((resolve) => {
      const [port, ...rest] = ports;
      if (port === undefined) return resolve(null);
      const upstream = net.connect(port, '127.0.0.1');
      upstream.once('connect', () => resolve(upstream));
      upstream.once('error', () => resolve(connectFirst(rest)));
    });

  const server = net.createServer((client) => {
    if (Date.now() < refuseUntil) return client.destroy();
    client.pause();
    accepted++;
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => undefined);
    void connectFirst(targets()).then((upstream) => {
      if (!upstream || client.destroyed) {
        upstream?.destroy();
        client.destroy();
        return;
      }
      open.add(upstream);
      upstream.once('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => undefined);
      client.once('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut(ms) {
      refuseUntil = Date.now() + ms;
      for (const s of open) s.destroy();
    },
    connections: () => ({ accepted, open: open.size }),
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
