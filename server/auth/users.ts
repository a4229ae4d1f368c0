/**
 * Users in Redis: one hash per user (name, role, departments, Argon2id hash). A supervisor is
 * scoped to departments of the catalog; leaders and admins see everything.
 */
import { z } from 'zod';
import { USER_ROLES, type SessionUser, type UserRole } from '../../common/auth.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { hashPassword } from './passwords.ts';
import { InputError } from '../domain-errors.ts';

export class UserInputError extends InputError {
  override name = 'UserInputError';
  constructor(message: string, field: string) {
    super(message, field);
  }
}

export const usernameSchema = z.string().regex(/^[A-Za-z0-9._-]{2,32}$/, 'user names are 2-32 letters, digits, dot, dash or underscore');

export const newUserSchema = z.object({
  username: usernameSchema,
  password: z.string(),
  role: z.enum(USER_ROLES, { message: `role must be one of ${USER_ROLES.join(', ')}` }),
  name: z.string().min(1).max(40).optional(),
  depts: z.array(z.string()).default([]),
});
export type NewUser = z.input<typeof newUserSchema>;

export interface StoredUser extends SessionUser {
  hash: string;
  createdAt: number;
  /** Sessions created before this instant are no longer valid (password change, disabling). */
  validFrom: number;
  disabled: boolean;
}

export interface UserStore {
  create(input: NewUser): Promise<SessionUser>;
  get(username: string): Promise<StoredUser | null>;
  list(): Promise<(SessionUser & { createdAt: number; disabled: boolean })[]>;
  setPassword(username: string, password: string): Promise<void>;
  setDisabled(username: string, disabled: boolean): Promise<void>;
}

export function publicUser(u: StoredUser): SessionUser {
  return { username: u.username, name: u.name, role: u.role, depts: u.depts };
}

export function createUserStore(redis: RedisClient, keys: RedisKeys, catalog: CatalogIndex, now: () => number): UserStore {
  async function get(username: string): Promise<StoredUser | null> {
    if (!usernameSchema.safeParse(username).success) return null;
    const h = await redis.hgetall(keys.user(username));
    if (!h.hash) return null;
    return {
      username,
      name: h.name || username,
      role: h.role as UserRole,
      depts: h.depts ? h.depts.split(',') : [],
      hash: h.hash,
      createdAt: Number(h.createdAt),
      validFrom: Number(h.validFrom ?? 0),
      disabled: h.disabled === '1',
    };
  }
  async function mustExist(username: string): Promise<void> {
    if (!(await redis.exists(keys.user(username))))
      throw new UserInputError(`there is no user "${username}"; list them with: npm run admin -- list-users`, 'username');
  }
  return {
    get,
    async create(input) {
      const parsed = newUserSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new UserInputError(issue.message, issue.path.join('.'));
      }
      const u = parsed.data;
      for (const d of u.depts)
        if (!d || !catalog.departments.has(d))
          throw new UserInputError(`unknown department "${d}"; use codes of the catalog such as yiyang.realestate`, 'depts');
      if (u.role === 'supervisor' && u.depts.length === 0) throw new UserInputError('a supervisor needs at least one department (depts)', 'depts');
      const hash = await hashPassword(u.password);
      const t = now();
      const created = await redis.hsetnx(keys.user(u.username), 'hash', hash);
      if (!created) throw new UserInputError(`user "${u.username}" already exists; to change the password use set-password`, 'username');
      await redis
        .multi()
        .hset(keys.user(u.username), 'name', u.name ?? u.username, 'role', u.role, 'depts', u.depts.join(','), 'createdAt', t, 'validFrom', 0, 'disabled', '0')
        .sadd(keys.users, u.username)
        .exec();
      return { username: u.username, name: u.name ?? u.username, role: u.role, depts: u.depts };
    },
    async list() {
      const names = (await redis.smembers(keys.users)).sort();
      const users = await Promise.all(names.map(get));
      return users.filter((u): u is StoredUser => u !== null).map((u) => ({ ...publicUser(u), createdAt: u.createdAt, disabled: u.disabled }));
    },
    async setPassword(username, password) {
      await mustExist(username);
      const hash = await hashPassword(password);
      await redis.hset(keys.user(username), 'hash', hash, 'validFrom', now());
    },
    async setDisabled(username, disabled) {
      await mustExist(username);
      await redis.hset(keys.user(username), 'disabled', disabled ? '1' : '0', 'validFrom', now());
    },
  };
}
