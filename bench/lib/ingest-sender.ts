/**
 * The load side of the ingest benchmark, kept light so that the machine's CPU goes to the hub and
 * Redis under test: request bodies are built before a measurement starts (as the raw XADD baseline
 * uses prebuilt events), and sent over a keep-alive node:http agent rather than fetch.
 */
import http from 'node:http';
import { benchTokens, createMixer, type BenchSource } from './event-mix.ts';
import { sleep } from './processes.ts';

export interface PreparedBatch {
  source: BenchSource;
  body: Buffer;
  events: number;
  portalHits: number;
}

const tokens = benchTokens();

// Events per second a flat-out run prepares batches for: its senders must never run out (until
// 2026-11-30 they had 60,000 a second, and the hub's rate was read as at most that)
export const FLAT_OUT_MAX_RATE = 150_000;

/**
 * Flat out: `senders` concurrent senders post the prepared batches, each the next as soon as its
 * last is answered, until `until` (epoch ms). Answers the events taken (accepted + repeats). Fails
 * when the batches run out before then: the rate measured would be a floor, not the hub's.
 */
export async function postUntil(post: Sender['post'], batches: PreparedBatch[], until: number, senders: number): Promise<number> {
  let next = 0;
  let accepted = 0;
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (Date.now() < until && next < batches.length) {
        const n = await post(batches[next++]!); // not `accepted += await …`: that reads `accepted` before the await
        accepted += n;
      }
    }),
  );
  if (next >= batches.length) throw new Error(`the senders ran out of batches (${batches.length}): raise FLAT_OUT_MAX_RATE, or the rate measured is a floor`);
  return accepted;
}

/** `count` batches of `size` events, in the day's mix (or portal hits only), ready to send. */
export function prepareBatches(runId: string, count: number, size: number, opts: { portalOnly?: boolean } = {}): PreparedBatch[] {
  const mixer = createMixer(runId);
  const out: PreparedBatch[] = [];
  while (out.length < count) {
    const b = mixer.batch(size, Date.now());
    if (opts.portalOnly && b.source !== 'portal') continue;
    // encoded once here, not at each send (the bodies hold Chinese text: encoding is not free)
    out.push({ source: b.source, body: Buffer.from(JSON.stringify(b.events)), events: b.events.length, portalHits: b.portalHits });
  }
  return out;
}

export interface Sender {
  /** Posts a batch; a 503 (the hub shedding load) is retried after a pause. Answers accepted + duplicates. */
  post(batch: PreparedBatch): Promise<number>;
  readonly refused: number;
  close(): void;
}

export function createSender(hubUrl: string, maxSockets: number): Sender {
  const url = new URL(hubUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  let refused = 0;

  const once = (batch: PreparedBatch) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/v1/events',
          method: 'POST',
          agent,
          headers: { authorization: `Bearer ${tokens[batch.source]}`, 'content-type': 'application/json', 'content-length': batch.body.length },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(batch.body);
    });

  return {
    get refused() {
      return refused;
    },
    async post(batch) {
      for (let resets = 0; ;) {
        let reply: { status: number; body: string };
        try {
          reply = await once(batch);
        } catch (err) {
          // a kept-alive socket the hub closed as idle just as it was reused: send again (repeats count once)
          if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' && ++resets <= 3) continue;
          throw err;
        }
        const { status, body } = reply;
        if (status === 503) {
          refused++;
          await sleep(100);
          continue;
        }
        const answer = JSON.parse(body) as { accepted: number; duplicates: number; rejected: unknown[] };
        if (status !== 202 || answer.rejected.length) throw new Error(`ingest answered ${status}: ${body.slice(0, 300)}`);
        return answer.accepted + answer.duplicates;
      }
    },
    close() {
      agent.destroy();
    },
  };
}
