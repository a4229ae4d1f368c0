/** Password hashing with Argon2id (@node-rs/argon2: maintained, prebuilt binaries, no build step). */
import { hash, verify } from '@node-rs/argon2';
import { InputError } from '../domain-errors.ts';

export const MIN_PASSWORD_LENGTH = 8;

export class WeakPasswordError extends InputError {
  override name = 'WeakPasswordError';
  constructor() {
    super(`a password needs at least ${MIN_PASSWORD_LENGTH} characters; use a long passphrase`, 'password');
  }
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new WeakPasswordError();
  return hash(password);
}

/** A hash of nothing in particular: checked against when the user does not exist, so both cases take as long. */
let decoy: Promise<string> | null = null;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hash('decoy-password-never-valid');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
