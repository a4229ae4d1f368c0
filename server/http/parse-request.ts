/**
 * Parses a request's query or path parameters with a schema from common/api-queries.ts. The first
 * problem becomes a 400 naming the field; what parses is all a handler ever reads.
 */
import type { Request } from 'express';
import type { z } from 'zod';
import { HttpError } from './http-error.ts';

function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'query';
  // an array where one value was expected: ?scope=a&scope=b
  const message = issue.code === 'invalid_type' && issue.expected === 'string' ? 'must be given once, as text' : issue.message;
  throw new HttpError(400, message, field);
}

/** The query string, parsed. */
export function parseQuery<T extends z.ZodType>(req: Request, schema: T): z.output<T> {
  return parseOrThrow(schema, { ...req.query });
}

/** The query string parsed, or null where it does not parse: for guards, which leave the 400 to the handler. */
export function peekQuery<T extends z.ZodType>(req: Request, schema: T): z.output<T> | null {
  const parsed = schema.safeParse({ ...req.query });
  return parsed.success ? parsed.data : null;
}

/** One path parameter, parsed; `status` 404 where a value that does not parse names nothing (a page). */
export function parsePathParam<T extends z.ZodType>(req: Request, name: string, schema: T, status: 400 | 404 = 400): z.output<T> {
  const value: unknown = Object.hasOwn(req.params, name) ? (req.params as Record<string, unknown>)[name] : undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HttpError(status, parsed.error.issues[0]!.message, name);
}
