/** Real receivers the notification tests start: one HTTP server for every HTTP channel, and an SMTP server (smtp-server). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  path: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

export interface HttpReceiver {
  url: string;
  received: Received[];
  /** While false, every request is answered 503 (the receiver is "down"). */
  up: boolean;
  on(path: string): Received[];
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const r: HttpReceiver = {
    url: '',
    received: [],
    up: true,
    on: (path) => r.received.filter((x) => x.path === path),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!r.up) {
        res.writeHead(503).end('down for maintenance');
        return;
      }
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        /* a form or text body */
      }
      r.received.push({ path: url.pathname, url, headers: req.headers, body, json });
      // robots answer errcode 0; the SMS gateway answers its own success text
      res.writeHead(200, { 'content-type': 'application/json' }).end(url.pathname.startsWith('/sms') ? '{"code":"OK"}' : '{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

export async function startSmtpReceiver(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((t) => t.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((done) => server.close(() => done())) };
}

/** The Subject header, its RFC 2047 encoded words decoded. */
export function mailSubject(raw: string): string {
  const m = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw);
  return (m?.[1] ?? '')
    .replace(/\r\n[ \t]/g, '')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_w, enc: string, text: string) =>
      (enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64') : Buffer.from(qp(text.replace(/_/g, ' ')), 'latin1')).toString('utf8'),
    );
}

/** The text/plain part, decoded (quoted-printable or base64). */
export function mailText(raw: string): string {
  const part = /Content-Type: text\/plain[^\r\n]*\r\nContent-Transfer-Encoding: ([\w-]+)\r\n\r\n([\s\S]*?)\r\n(?:--|$)/i.exec(raw);
  if (!part) return raw;
  const [, enc, body] = part;
  if (enc!.toLowerCase() === 'base64') return Buffer.from(body!.replace(/\s/g, ''), 'base64').toString('utf8');
  if (enc!.toLowerCase() === 'quoted-printable') return Buffer.from(qp(body!.replace(/=\r\n/g, '')), 'latin1').toString('utf8');
  return body!;
}

function qp(s: string): string {
  return s.replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}
