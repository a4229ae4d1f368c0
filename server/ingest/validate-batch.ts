/**
 * Validates an ingest batch event by event: the schema, the token's source and scope, the catalog, and the
 * time window. Good events are kept; each bad one gets its index, id and errors naming the field.
 */
import type { ZodError } from 'zod';
import { eventSchema, type EventError, type RejectedEvent, type YgEvent } from '../../common/events.ts';
import type { IngestScope } from '../../common/ingest-scope.ts';
import { DAY_MS } from '../../common/time.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';

export interface ValidationContext {
  source: string;
  /** The centers and event types the token may send; absent: all. */
  scope?: IngestScope;
  catalog: CatalogIndex;
  now: number;
  /** Events older than this many days are refused (they would outlive de-duplication). */
  maxAgeDays: number;
  /** Device clocks drift; a little future is fine, much is a broken clock. @default 10 min */
  maxFutureMs?: number;
}

export interface ValidEvent {
  index: number;
  event: YgEvent;
  /** `at` as epoch ms, parsed once by validateBatch and used again by the enrichment (absent: parsed there). */
  ms?: number;
}
export interface BatchValidation {
  valid: ValidEvent[];
  rejected: RejectedEvent[];
}

export function validateBatch(items: unknown[], ctx: ValidationContext): BatchValidation {
  const valid: ValidEvent[] = [];
  const rejected: RejectedEvent[] = [];
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    const parsed = eventSchema.safeParse(item);
    if (!parsed.success) {
      const rawId = rawIdOf(item);
      rejected.push({ index, ...(rawId ? { id: rawId } : {}), errors: zodErrors(parsed.error) });
      continue;
    }
    const ms = Date.parse(parsed.data.at);
    const errors = semanticErrors(parsed.data, ms, ctx);
    if (errors.length > 0) rejected.push({ index, id: parsed.data.id, errors });
    else valid.push({ index, event: parsed.data, ms });
  }
  return { valid, rejected };
}

/** The id of an event that failed the schema, when it has a string one, so the sender can find it. */
function rawIdOf(item: unknown): string | undefined {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id.slice(0, 128) : undefined;
}

function zodErrors(error: ZodError): EventError[] {
  return error.issues.slice(0, 10).map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : '(event)',
    message:
      issue.code === 'invalid_union' && issue.path.length === 1 && issue.path[0] === 'type' ? 'must be one of the event types of contract v1' : issue.message,
  }));
}

// Plain functions, not closures made per event: this runs for every event of every batch.
function semanticErrors(event: YgEvent, at: number, ctx: ValidationContext): EventError[] {
  const errors: EventError[] = [];
  const { catalog } = ctx;
  if (event.source !== ctx.source) errors.push({ path: 'source', message: `must be "${ctx.source}", the source of this token` });
  if (ctx.scope) checkScope(errors, ctx.scope, event);

  if (at > ctx.now + (ctx.maxFutureMs ?? 10 * 60_000)) errors.push({ path: 'at', message: 'is more than 10 minutes in the future; check the device clock' });
  if (at < ctx.now - ctx.maxAgeDays * DAY_MS)
    errors.push({ path: 'at', message: `is older than ${ctx.maxAgeDays} days, the window in which repeats are recognised` });

  // centers are data (docs/admin.md): the live catalog's, as today's catalog section has them
  if (!catalog.centers.has(event.center)) errors.push({ path: 'center', message: `must be one of ${[...catalog.centers.keys()].join(', ')}` });
  if ('dept' in event && event.dept !== undefined) checkDept(errors, catalog, event.center, event.dept);
  if ('window' in event && event.window !== undefined) checkWindow(errors, catalog, event.center, event.window);
  if (event.type === 'case.accepted' && !catalog.items.has(event.item))
    errors.push({ path: 'item', message: `unknown service item "${event.item}" (see GET /api/v1/catalog)` });
  return errors;
}

// Set lookups: a scope check costs next to nothing per event (the lists are joined only for a refusal).
function checkScope(errors: EventError[], scope: IngestScope, event: YgEvent): void {
  if (scope.centers && !scope.centers.has(event.center)) {
    errors.push({ path: 'center', message: `this token may send for ${scope.spec.centers!.join(', ')} only` });
  }
  if (scope.types && !scope.types.has(event.type)) {
    errors.push({ path: 'type', message: `this token may send ${scope.spec.types!.join(', ')} only` });
  }
}

function checkDept(errors: EventError[], catalog: CatalogIndex, center: string, code: string): void {
  const dept = catalog.departments.get(code);
  if (!dept) errors.push({ path: 'dept', message: `unknown department "${code}" (see GET /api/v1/catalog)` });
  else if (dept.center !== center) errors.push({ path: 'dept', message: `department "${code}" belongs to center ${dept.center}, not ${center}` });
}

function checkWindow(errors: EventError[], catalog: CatalogIndex, center: string, code: string): void {
  const w = catalog.windows.get(code);
  if (!w) errors.push({ path: 'window', message: `unknown window "${code}" (see GET /api/v1/catalog)` });
  else if (w.center !== center) errors.push({ path: 'window', message: `window "${code}" belongs to center ${w.center}, not ${center}` });
}
