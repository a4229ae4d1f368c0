/**
 * The audit trail: an append-only Redis Stream of sign-ins, user and token changes, and alert
 * actions (the alert scripts append theirs in the same atomic step). Who, when (the hub's clock),
 * what, on what, from which address. Never a secret. Kept at least 200 days; the API only reads it.
 */
import { visibleDepts, type AuditEntry, type SessionUser } from '../../common/auth.ts';
import { DAY_MS } from '../../common/time.ts';
import { Forbidden } from '../domain-errors.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';

export const AUDIT_RETENTION_DAYS = 200;

/** What a caller records; the log adds the id and the time. */
export type AuditRecord = Omit<AuditEntry, 'id' | 'at'>;

export interface AuditQuery {
  actor?: string;
  /** An action or an action prefix ending in `.` (e.g. `alert.`). */
  action?: string;
  target?: string;
  /** Only entries of these departments (alert actions carry the alert's department). */
  depts?: string[];
  from?: number;
  to?: number;
  /** @default 100 */
  limit?: number;
}

export interface AuditLog {
  record(entry: AuditRecord): Promise<void>;
  read(query: AuditQuery): Promise<AuditEntry[]>;
  /** What `user` may read of what the query asks (`auditQueryFor`). */
  readAs(user: SessionUser, query: AuditQuery): Promise<AuditEntry[]>;
  /** Drops entries older than the retention (by the stream's own clock). */
  trim(): Promise<void>;
}

const SCAN_PAGE = 500;
const SCAN_MAX = 20_000;

/**
 * Who reads what of the trail: admins all of it; leaders and supervisors the alert actions, a
 * supervisor only those of the departments they supervise. Asking for more is refused (403), not
 * quietly narrowed, except that no action at all means the alert actions.
 */
export function auditQueryFor(user: SessionUser, query: AuditQuery): AuditQuery {
  if (user.role === 'admin') return query;
  if (query.action && !query.action.startsWith('alert.')) throw new Forbidden('only admins read sign-ins and token changes; ask for action=alert.*', 'action');
  const depts = visibleDepts(user);
  return { ...query, action: query.action ?? 'alert.', ...(depts ? { depts } : {}) };
}

export function createAuditLog(redis: RedisClient, keys: RedisKeys, now: () => number): AuditLog {
  const trim = async () => {
    const [sec] = await redis.time();
    await redis.xtrim(keys.audit, 'MINID', '~', Number(sec) * 1000 - AUDIT_RETENTION_DAYS * DAY_MS);
  };
  let writes = 0;
  const log: AuditLog = {
    trim,
    async record(e) {
      await redis.xadd(
        keys.audit,
        '*',
        'at',
        now(),
        'actor',
        e.actor,
        'action',
        e.action,
        'target',
        e.target,
        'ip',
        e.ip,
        'dept',
        e.dept ?? '',
        'detail',
        JSON.stringify(e.detail ?? {}),
      );
      if (++writes % 100 === 1) await trim();
    },
    async readAs(user, q) {
      return log.read(auditQueryFor(user, q));
    },
    async read(q) {
      const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
      const out: AuditEntry[] = [];
      let end = '+';
      for (let scanned = 0; scanned < SCAN_MAX && out.length < limit; scanned += SCAN_PAGE) {
        const page = (await redis.xrevrange(keys.audit, end, '-', 'COUNT', SCAN_PAGE)) as [string, string[]][];
        for (const [id, fields] of page) {
          const f: Record<string, string> = {};
          for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
          const entry: AuditEntry = {
            id,
            at: Number(f.at),
            actor: f.actor ?? '',
            action: f.action ?? '',
            target: f.target ?? '',
            ip: f.ip ?? '',
            ...(f.dept ? { dept: f.dept } : {}),
            detail: JSON.parse(f.detail || '{}') as Record<string, unknown>,
          };
          if (matches(entry, q)) out.push(entry);
          if (out.length >= limit) break;
        }
        if (page.length < SCAN_PAGE) break;
        end = `(${page[page.length - 1]![0]}`;
      }
      return out;
    },
  };
  return log;
}

function matches(e: AuditEntry, q: AuditQuery): boolean {
  if (q.actor && e.actor !== q.actor) return false;
  if (q.action && (q.action.endsWith('.') ? !e.action.startsWith(q.action) : e.action !== q.action)) return false;
  if (q.target && e.target !== q.target) return false;
  if (q.depts && (!e.dept || !q.depts.includes(e.dept))) return false;
  if (q.from !== undefined && e.at < q.from) return false;
  if (q.to !== undefined && e.at >= q.to) return false;
  return true;
}
