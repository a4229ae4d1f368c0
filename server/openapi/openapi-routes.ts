/** GET /api/v1/openapi.json: the API's description (openapi.ts), open like /healthz. */
import type { Router } from 'express';
import { apiRouter } from '../http/api-router.ts';
import { openApiDocument } from './openapi.ts';

export function openApiRouter(): Router {
  const router = apiRouter();
  router.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  return router;
}
