/**
 * GET /api/v1/openapi.json: a valid OpenAPI 3.1 document (checked by a real validator), open to
 * anyone, that lists exactly the routes the hub's Express routers serve, and whose enumerated
 * parameters are the values the hub accepts.
 */
import type { IncomingMessage } from 'node:http';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERVALS } from '../../common/api-queries.ts';
import { API_ROUTES, openApiPath } from '../../server/openapi/openapi.ts';
import type { Hub } from '../../server/hub.ts';
import { testNow } from '../helpers/test-clock.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';

const ADMIN_PASSWORD = 'admin-password-openapi-1';
const SCREEN_TOKEN = 'hall-screen-token-oa1';

/** The built screens (HTML pages and their assets) are not part of the JSON API the document describes. */
const isScreenPage = (path: string) => path === '/screens' || path.startsWith('/screens/');

/**
 * The hub's Express app. Socket.IO wraps the server's request listeners, so the app is taken from
 * a request it handled: Express gives each request a prototype that carries `app`.
 */
async function expressAppOf(hub: Hub): Promise<any> {
  let seen: IncomingMessage | undefined;
  const listener = (req: IncomingMessage) => {
    seen = req;
  };
  hub.server.prependListener('request', listener);
  try {
    await (await fetch(`${hub.url}/healthz`)).text();
  } finally {
    hub.server.off('request', listener);
  }
  const app = (seen as Request | undefined)?.app;
  if (!app) throw new Error('no request reached the Express app');
  return app;
}

/** `get /api/v1/alerts/{id}` for every route of every router, as Express holds them. */
function servedRoutes(app: any): string[] {
  const out: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const path of [layer.route.path].flat() as string[]) {
          for (const method of Object.keys(layer.route.methods)) out.push(`${method} ${openApiPath(path)}`);
        }
      } else if (Array.isArray(layer.handle?.stack)) {
        // routers are mounted at the root (server/http/app.ts), so a route's path is the whole path
        expect(layer.slash, `a router mounted at ${String(layer.rawPath)}`).toBe(true);
        walk(layer.handle.stack);
      }
    }
  };
  walk(app.router.stack);
  return out;
}

interface Operation {
  parameters?: { name: string; in: string; required: boolean; schema: { enum?: string[] } }[];
  security?: object[];
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe('the OpenAPI document', () => {
  let hub: Hub;
  let doc: Doc;
  let cookie: string;
  let served: { status: number; type: string | null };
  beforeAll(async () => {
    // screen tokens configured: reads need credentials, and the document still does not
    hub = await startTestHub(testPrefix(), { now: testNow, env: { SCREEN_TOKENS: `hall=${SCREEN_TOKEN}:center:yiyang`, ADMIN_PASSWORD } });
    const login = await fetch(`${hub.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${hub.url}/api/v1/openapi.json`);
    served = { status: res.status, type: res.headers.get('content-type') };
    doc = await res.json();
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('is served to anyone, as JSON, while the reads need a token', async () => {
    expect((await fetch(`${hub.url}/api/v1/catalog`)).status).toBe(401);
    expect(served.status).toBe(200);
    expect(served.type).toMatch(/^application\/json/);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('is a valid OpenAPI 3.1 document, every $ref resolving', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // every schema is in the document's dialect (jsonSchemaDialect), none names another
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
  });

  it("declares each path template's parameters (which the validator does not check)", () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(ops)) {
        expect(
          (op.parameters ?? [])
            .filter((p) => p.in === 'path')
            .map((p) => p.name)
            .sort(),
          `${method} ${path}`,
        ).toEqual(names);
      }
    }
  });

  it('lists exactly the routes the hub serves', async () => {
    const routes = servedRoutes(await expressAppOf(hub)).filter((r) => !isScreenPage(r.split(' ')[1]!));
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(routes.length).toBeGreaterThan(20);
    expect(new Set(routes).size, 'a route served twice').toBe(routes.length);
    expect([...documented].sort()).toEqual([...routes].sort());
    expect(documented.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());
  });

  it('documents parameters as the strings clients send, required as the hub requires them', () => {
    const series = doc.paths['/api/v1/series']!.get!;
    const param = (name: string) => series.parameters!.find((p) => p.name === name)!;
    expect(param('metric').required).toBe(true);
    expect(param('interval').required).toBe(false);
    // the INPUT of the transforms: a date is text, not the day index it becomes
    expect(param('from').schema).toMatchObject({ type: 'string' });
    expect(doc.paths['/api/v1/cockpit/rankings']!.get!.parameters!.find((p) => p.name === 'limit')!.schema).toMatchObject({
      type: 'string',
      pattern: '^\\d{1,6}$',
    });
    expect(doc.paths['/api/v1/alerts/{id}']!.get!.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
  });

  it('documents interval as the values the series accepts', async () => {
    const interval = doc.paths['/api/v1/series']!.get!.parameters!.find((p) => p.name === 'interval')!;
    expect(interval.schema.enum).toEqual([...INTERVALS]);
    for (const value of interval.schema.enum!) {
      const res = await fetch(`${hub.url}/api/v1/series?metric=tickets.issued&interval=${value}`, { headers: { cookie } });
      expect(res.status, value).toBe(200);
      expect((await res.json()).interval).toBe(value);
    }
    const res = await fetch(`${hub.url}/api/v1/series?metric=tickets.issued&interval=week`, { headers: { cookie } });
    expect(res.status).toBe(400);
    expect((await res.json()).field).toBe('interval');
  });

  it('documents every enumerated query parameter as what the hub accepts, and nothing more', async () => {
    // required parameters get a value that parses; a scope that is not in the catalog stops each
    // request after its parameters have parsed (a 404), before any real work such as an export
    const filler: Record<string, string> = { metric: 'tickets.issued', scope: 'center:nowhere' };
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      const op = ops.get;
      if (!op?.parameters || path.includes('{')) continue;
      for (const p of op.parameters.filter((x) => x.in === 'query' && x.schema.enum)) {
        const base = op.parameters
          .filter((x) => x.name !== p.name && (x.required || x.name === 'scope'))
          .map((x) => `${x.name}=${encodeURIComponent(filler[x.name] ?? '')}`);
        const ask = async (value: string) => {
          const res = await fetch(`${hub.url}${path}?${[...base, `${p.name}=${encodeURIComponent(value)}`].join('&')}`, { headers: { cookie } });
          return { status: res.status, field: ((await res.json().catch(() => ({}))) as { field?: string }).field };
        };
        for (const value of p.schema.enum!) {
          const answer = await ask(value);
          expect(answer.status === 400 && answer.field === p.name, `${path} ${p.name}=${value}: ${JSON.stringify(answer)}`).toBe(false);
        }
        expect(await ask('not-a-listed-value'), `${path} ${p.name}`).toEqual({ status: 400, field: p.name });
        checked++;
      }
    }
    // interval (series), format (export), severity (alerts)
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('marks the routes that need no credentials, and only those', () => {
    const open = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.security?.length === 0)
        .map(([m]) => `${m} ${path}`),
    );
    expect(open.sort()).toEqual(['get /api/v1/openapi.json', 'get /healthz', 'get /metrics', 'post /api/v1/session']);
  });
});
