/**
 * The screen fleet in Redis, so every hub sees every screen whichever hub it is connected to:
 * one hash of the screens' last reports (`fleetScreens`, id → JSON, `lastSeen` by the hub's
 * clock) and one hash of commands per screen (`fleetCommands(id)`, command id → JSON).
 */
import { randomUUID } from 'node:crypto';
import {
  defaultGroupOf,
  FLEET_COMMAND_TTL_MS,
  FLEET_ONLINE_MS,
  type FleetAnswer,
  type FleetCommand,
  type FleetCommandBody,
  type FleetScreen,
  type ScreenReport,
} from '../../common/fleet.ts';
import { Conflict } from '../domain-errors.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';

/** What is stored per screen: its last report, who it is, and its connection. */
export interface ScreenRecord {
  id: string;
  group: string;
  via: FleetScreen['via'];
  report: Omit<ScreenReport, 'id' | 'group'>;
  /** The hub's clock at the last report (the screen-offline alert reads it too: server/alerts/screen-silence.ts). */
  lastSeen: number;
  /** The socket of the last report; its clean disconnect makes the screen offline at once. */
  socket: string;
  disconnectedAt?: number;
}

/**
 * Bound on distinct screens: on a hub without screen tokens anybody may name a screen with
 * `?screen=`; this keeps a script that invents ids from growing the hash without end.
 */
export const MAX_FLEET_SCREENS = 2000;
/** Commands stay listed (delivered or expired) this long after their expiry, then the hash expires. */
const COMMAND_KEEP_MS = FLEET_COMMAND_TTL_MS + 60 * 60_000;

export interface FleetStoreOptions {
  redis: RedisClient;
  keys: RedisKeys;
  now: () => number;
  /** A report older than this is offline. @default FLEET_ONLINE_MS */
  onlineMs?: number;
}

export class FleetFull extends Conflict<'fleet-full'> {
  constructor() {
    super('fleet-full', `at most ${MAX_FLEET_SCREENS} screens are kept; remove old ones with DELETE /api/v1/screens/<id>`);
  }
}

export type FleetStore = ReturnType<typeof createFleetStore>;

export function createFleetStore(opts: FleetStoreOptions) {
  const { redis, keys, now } = opts;
  const onlineMs = opts.onlineMs ?? FLEET_ONLINE_MS;

  const parseRecord = (json: string | null | undefined): ScreenRecord | null => {
    if (!json) return null;
    try {
      return JSON.parse(json) as ScreenRecord;
    } catch {
      return null;
    }
  };
  const parseCommand = (json: string): FleetCommand | null => {
    try {
      return JSON.parse(json) as FleetCommand;
    } catch {
      return null;
    }
  };
  const withStatus = (c: FleetCommand, t: number): FleetCommand => (c.status === 'pending' && c.expiresAt <= t ? { ...c, status: 'expired' } : c);

  async function commandsOf(screen: string): Promise<FleetCommand[]> {
    const t = now();
    const all = await redis.hvals(keys.fleetCommands(screen));
    return all
      .map(parseCommand)
      .filter((c): c is FleetCommand => c !== null)
      .map((c) => withStatus(c, t))
      .sort((a, b) => a.issuedAt - b.issuedAt);
  }

  const isOnline = (r: ScreenRecord, t: number) => t - r.lastSeen <= onlineMs && !(r.disconnectedAt !== undefined && r.disconnectedAt >= r.lastSeen);

  async function toScreen(r: ScreenRecord, t: number, pending?: number): Promise<FleetScreen> {
    const count = pending ?? (await commandsOf(r.id)).filter((c) => c.status === 'pending').length;
    return { id: r.id, group: r.group, online: isOnline(r, t), lastSeen: new Date(r.lastSeen).toISOString(), via: r.via, pendingCommands: count, ...r.report };
  }

  return {
    onlineMs,

    /** Records a report; the first of a new screen is refused once the fleet is full. */
    async report(id: string, group: string | undefined, via: ScreenRecord['via'], report: ScreenReport, socket: string): Promise<void> {
      const { id: _id, group: _group, ...figures } = report;
      const record: ScreenRecord = { id, group: group ?? defaultGroupOf(id), via, report: figures, lastSeen: now(), socket };
      if (!(await redis.hexists(keys.fleetScreens, id)) && (await redis.hlen(keys.fleetScreens)) >= MAX_FLEET_SCREENS) throw new FleetFull();
      await redis.hset(keys.fleetScreens, id, JSON.stringify(record));
    },

    /**
     * A clean disconnect of the socket that last reported: offline now, not 90 s later. Read and
     * write are two steps; a newer report from another socket in between is kept (checked by socket).
     */
    async disconnected(id: string, socket: string): Promise<void> {
      const r = parseRecord(await redis.hget(keys.fleetScreens, id));
      if (!r || r.socket !== socket) return;
      await redis.hset(keys.fleetScreens, id, JSON.stringify({ ...r, disconnectedAt: now() }));
    },

    async get(id: string): Promise<ScreenRecord | null> {
      return parseRecord(await redis.hget(keys.fleetScreens, id));
    },

    async list(): Promise<FleetAnswer> {
      const t = now();
      const records = Object.values(await redis.hgetall(keys.fleetScreens))
        .map(parseRecord)
        .filter((r): r is ScreenRecord => r !== null);
      // every screen's commands in one round trip (the board asks every 10 s)
      const pipeline = redis.pipeline();
      for (const r of records) pipeline.hvals(keys.fleetCommands(r.id));
      const replies = records.length > 0 ? ((await pipeline.exec()) ?? []) : [];
      const pendingOf = (i: number) => {
        const [err, vals] = replies[i] ?? [null, []];
        if (err) throw err;
        return (vals as string[]).map(parseCommand).filter((c): c is FleetCommand => c !== null && withStatus(c, t).status === 'pending').length;
      };
      const screens = await Promise.all(records.map((r, i) => toScreen(r, t, pendingOf(i))));
      screens.sort((a, b) => a.group.localeCompare(b.group) || a.page.localeCompare(b.page) || a.id.localeCompare(b.id));
      const online = screens.filter((s) => s.online).length;
      return { screens, online, offline: screens.length - online, now: t };
    },

    async screen(id: string): Promise<{ screen: FleetScreen; commands: FleetCommand[] } | null> {
      const r = await this.get(id);
      if (!r) return null;
      const commands = await commandsOf(id);
      return { screen: await toScreen(r, now(), commands.filter((c) => c.status === 'pending').length), commands };
    },

    async remove(id: string): Promise<boolean> {
      const [[, removed]] = (await redis.multi().hdel(keys.fleetScreens, id).del(keys.fleetCommands(id)).exec()) as [[Error | null, number]];
      return removed === 1;
    },

    /** Queues a command for a screen (its delivery is the caller's: fleet-commands.ts). */
    async queue(screen: string, body: FleetCommandBody, by: string): Promise<FleetCommand> {
      const t = now();
      const command: FleetCommand = {
        id: randomUUID(),
        screen,
        command: body.command,
        ...(body.command === 'navigate' ? { path: body.path } : {}),
        issuedAt: t,
        expiresAt: t + FLEET_COMMAND_TTL_MS,
        by,
        status: 'pending',
      };
      await redis.multi().hset(keys.fleetCommands(screen), command.id, JSON.stringify(command)).pexpire(keys.fleetCommands(screen), COMMAND_KEEP_MS).exec();
      return command;
    },

    /** The commands a screen has yet to get, oldest first (expired ones left out; the hash expires as a whole). */
    async pending(screen: string): Promise<FleetCommand[]> {
      const all = await commandsOf(screen);
      return all.filter((c) => c.status === 'pending');
    },

    /** The screen has the command in hand. Only its own screen's commands; false when unknown. */
    async delivered(screen: string, commandId: string): Promise<boolean> {
      const key = keys.fleetCommands(screen);
      const json = await redis.hget(key, commandId);
      const c = json ? parseCommand(json) : null;
      if (!c || c.status !== 'pending') return false;
      await redis.hset(key, commandId, JSON.stringify({ ...c, status: 'delivered', deliveredAt: now() }));
      return true;
    },

    async command(screen: string, commandId: string): Promise<FleetCommand | null> {
      const json = await redis.hget(keys.fleetCommands(screen), commandId);
      const c = json ? parseCommand(json) : null;
      return c ? withStatus(c, now()) : null;
    },
  };
}
