/**
 * SCREEN_TOKENS: `name=token[:scope]` pairs, comma-separated (DESIGN section 8). A token without a
 * scope reads the whole city (a cockpit wall); `hall=8f3k…:center:yiyang` reads that center and
 * every department and window inside it. Parsed once at start; a wrong entry stops the start.
 */
import { isScope, type Scope } from '../../common/catalog.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { scopeExists } from './principal.ts';

export class ScreenTokenConfigError extends Error {
  override name = 'ScreenTokenConfigError';
}

export interface ScreenGrant { name: string; scope: Scope | null }

/** token → grant. */
export type ScreenTokens = Map<string, ScreenGrant>;

const EXAMPLE = 'hall=8f3kq9zt2m:center:yiyang,cockpit=p0w9x7v5n3:city';

export function parseScreenTokens(raw: string, catalog: CatalogIndex): ScreenTokens {
  const tokens: ScreenTokens = new Map();
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ScreenTokenConfigError(`SCREEN_TOKENS: "${part}" is not name=token[:scope] (example: ${EXAMPLE})`);
    const name = part.slice(0, eq).trim();
    const rest = part.slice(eq + 1).trim();
    const colon = rest.indexOf(':');
    const token = colon < 0 ? rest : rest.slice(0, colon);
    const scopeText = colon < 0 ? null : rest.slice(colon + 1);
    if (token.length < 8) throw new ScreenTokenConfigError(`SCREEN_TOKENS: the token of screen "${name}" is shorter than 8 characters; use a long random string without ":" or ","`);
    let scope: Scope | null = null;
    if (scopeText !== null) {
      if (!isScope(scopeText)) throw new ScreenTokenConfigError(`SCREEN_TOKENS: "${scopeText}" (screen "${name}") is not a scope; use city, center:<code>, dept:<code> or window:<code>`);
      if (!scopeExists(scopeText, catalog)) throw new ScreenTokenConfigError(`SCREEN_TOKENS: scope "${scopeText}" (screen "${name}") is not in the catalog (CATALOG_DIR)`);
      scope = scopeText;
    }
    if (tokens.has(token)) throw new ScreenTokenConfigError(`SCREEN_TOKENS: screen "${name}" reuses the token of screen "${tokens.get(token)!.name}"; give each screen its own`);
    tokens.set(token, { name, scope });
  }
  return tokens;
}
