/**
 * The hub secret: a key kept outside Redis (HUB_SECRET, or the file DATA_DIR/hub-secret made at
 * the first start, mode 0600) from which rotated ingest tokens are derived (ingest-credentials.ts),
 * so that what Redis stores is not enough to send events (docs/auth.md, "Secrets at rest").
 * Every hub and the admin CLI of a deployment must hold the same one: the first to start records
 * its id in Redis, and a process with another secret refuses to start rather than hand out tokens
 * the others do not know.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/env.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';

export const HUB_SECRET_FILE = 'hub-secret';
/** Characters of a secret: a random 32 bytes in base64url is 43. */
export const MIN_SECRET_CHARS = 32;

export interface HubSecret {
  key: Buffer;
  /** A public fingerprint (16 hex digits), recorded in Redis to tell a secret from another. */
  id: string;
  /** Where it came from, for the start-up log (never the secret itself). */
  from: 'HUB_SECRET' | 'file' | 'file-created';
  file?: string;
  /** Set when the file is readable by others than its owner. */
  warning?: string;
}

const idOf = (key: Buffer) => crypto.createHmac('sha256', key).update('yg-hub-secret-id').digest('hex').slice(0, 16);

function fromText(text: string, from: HubSecret['from'], file?: string): HubSecret {
  const value = text.trim();
  if (value.length < MIN_SECRET_CHARS) {
    const where = file ?? 'HUB_SECRET';
    throw new ConfigError(`${where}: the hub secret is shorter than ${MIN_SECRET_CHARS} characters; use a random one (openssl rand -base64 32)`);
  }
  const key = Buffer.from(value, 'utf8');
  return { key, id: idOf(key), from, ...(file ? { file } : {}) };
}

/** HUB_SECRET when set; else the file under DATA_DIR, created (atomically, mode 0600) when absent. */
export function loadHubSecret(opts: { hubSecret: string | undefined; dataDir: string }): HubSecret {
  if (opts.hubSecret !== undefined) return fromText(opts.hubSecret, 'HUB_SECRET');
  const file = path.join(opts.dataDir, HUB_SECRET_FILE);
  let created = false;
  if (!fs.existsSync(file)) created = createSecretFile(opts.dataDir, file);
  const secret = fromText(fs.readFileSync(file, 'utf8'), created ? 'file-created' : 'file', file);
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) secret.warning = `${file} has mode 0${mode.toString(8)}: anyone who reads it and the Redis data can send events; chmod 600 it`;
  return secret;
}

/**
 * Writes a new secret to a private temporary file and links it into place: link() fails when the
 * file exists, so two processes starting at once on one DATA_DIR end up with the same secret and
 * neither ever reads a half-written one. True when this process made it.
 */
function createSecretFile(dir: string, file: string): boolean {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${crypto.randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.unlinkSync(tmp);
  }
}

/**
 * Records this secret's id as the deployment's when none is recorded yet, and refuses a secret
 * that is not the recorded one: a hub (or CLI) with its own DATA_DIR would otherwise make its
 * own secret and derive tokens the other hubs refuse.
 */
export async function claimHubSecret(redis: RedisClient, keys: RedisKeys, secret: HubSecret): Promise<void> {
  await redis.set(keys.hubSecretId, secret.id, 'NX');
  const recorded = await redis.get(keys.hubSecretId);
  if (recorded === secret.id) return;
  const source = secret.from === 'HUB_SECRET' ? 'HUB_SECRET' : `${secret.file}${secret.from === 'file-created' ? ' (just created)' : ''}`;
  throw new ConfigError(
    `the hub secret of this process (${source}, id ${secret.id}) is not this deployment's (id ${recorded}, recorded in Redis at ${keys.hubSecretId}). ` +
      'Every hub and the admin CLI must share one: set the same HUB_SECRET everywhere, or copy DATA_DIR/hub-secret from the first hub (mode 0600). ' +
      'To change the secret on purpose, see docs/deploy.md ("The hub secret").',
  );
}
