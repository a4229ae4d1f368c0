/**
 * Users in Redis: one hash per user (name, role, departments, Argon2id hash). A supervisor is
 * scoped to departments of the catalog; leaders and admins see everything.
 */
import { z } from 'zod';
import { USER_ROLES, type ListedUser, type SessionUser, type UserRole } from '../../common/auth.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { hashPassword } from './passwords.ts';
import { Conflict, InputError } from '../domain-errors.ts';

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
  /** When the user last signed in (absent: never since this was recorded). */
  lastSignIn?: number;
}

/** A user as the admin list shows it (GET /api/v1/users). */

/** PATCH /api/v1/users/:username: what changes; absent keeps. */
export const userChangeSchema = z
  .object({
    role: z.enum(USER_ROLES, { message: `role must be one of ${USER_ROLES.join(', ')}` }).optional(),
    depts: z.array(z.string().max(120)).max(200).optional(),
    name: z.string().min(1).max(40).optional(),
  })
  .strict();
export type UserChange = z.infer<typeof userChangeSchema>;

export interface UserStore {
  create(input: NewUser): Promise<SessionUser>;
  get(username: string): Promise<StoredUser | null>;
  list(): Promise<ListedUser[]>;
  setPassword(username: string, password: string): Promise<void>;
  /** Refuses (409 `last-admin`) to disable the last enabled admin. */
  setDisabled(username: string, disabled: boolean): Promise<void>;
  /** Role, departments, name; refuses (409 `last-admin`) to demote the last enabled admin. Answers the user before and after. */
  update(username: string, change: UserChange): Promise<{ before: SessionUser; after: SessionUser }>;
  noteSignIn(username: string): Promise<void>;
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
      ...(h.lastSignIn ? { lastSignIn: Number(h.lastSignIn) } : {}),
    };
  }
  const checkDepts = (role: UserRole, depts: string[]) => {
    for (const d of depts)
      if (!d || !catalog.departments.has(d)) throw new UserInputError(`unknown department "${d}"; use codes of the catalog such as yiyang.realestate`, 'depts');
    if (role === 'supervisor' && depts.length === 0) throw new UserInputError('a supervisor needs at least one department (depts)', 'depts');
  };
  /** Whether another enabled admin than `username` exists: the hub must keep one who can sign in and administer. */
  async function otherAdminExists(username: string): Promise<boolean> {
    const names = (await redis.smembers(keys.users)).filter((n) => n !== username);
    const others = await Promise.all(names.map(get));
    return others.some((u) => u !== null && u.role === 'admin' && !u.disabled);
  }
  const lastAdmin = (username: string, what: string) =>
    new Conflict('last-admin', `"${username}" is the last enabled admin; ${what} would leave nobody to administer the hub — make another admin first`);
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
      checkDepts(u.role, u.depts);
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
      return users
        .filter((u): u is StoredUser => u !== null)
        .map((u) => ({ ...publicUser(u), createdAt: u.createdAt, disabled: u.disabled, lastSignIn: u.lastSignIn ?? null }));
    },
    async setPassword(username, password) {
      await mustExist(username);
      const hash = await hashPassword(password);
      await redis.hset(keys.user(username), 'hash', hash, 'validFrom', now());
    },
    async setDisabled(username, disabled) {
      await mustExist(username);
      const user = await get(username);
      if (disabled && user?.role === 'admin' && !user.disabled && !(await otherAdminExists(username))) throw lastAdmin(username, 'disabling it');
      await redis.hset(keys.user(username), 'disabled', disabled ? '1' : '0', 'validFrom', now());
    },
    async update(username, change) {
      const user = await get(username);
      if (!user) throw new UserInputError(`there is no user "${username}"; list them with: npm run admin -- list-users`, 'username');
      const role = change.role ?? user.role;
      const depts = change.depts ?? user.depts;
      checkDepts(role, depts);
      if (user.role === 'admin' && role !== 'admin' && !user.disabled && !(await otherAdminExists(username))) throw lastAdmin(username, 'changing its role');
      const name = change.name ?? user.name;
      await redis.hset(keys.user(username), 'role', role, 'depts', depts.join(','), 'name', name);
      return { before: publicUser(user), after: { username, name, role, depts } };
    },
    async noteSignIn(username) {
      await redis.hset(keys.user(username), 'lastSignIn', now());
    },
  };
}
