/** Serves the built screens under /screens/*. Placeholder until the web app (issue 5) lands. */
import { Router } from 'express';

export function screensRouter(): Router {
  return Router();
}
