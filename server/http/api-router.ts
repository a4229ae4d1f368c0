/**
 * Every router of the hub: case-sensitive and strict, so a path matches its route only as written.
 * Guards are attached to the routes they guard, never to a path prefix, so no other spelling of a
 * path (case, a trailing or doubled slash, percent-encoding) can reach a handler around its guard:
 * such a spelling matches no route at all and is answered 404.
 */
import { Router } from 'express';

export function apiRouter(): Router {
  return Router({ caseSensitive: true, strict: true });
}
