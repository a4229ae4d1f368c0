/**
 * Sending commands to screens: each is queued in Redis (so a screen that is offline gets it when
 * it reports again, until it expires), emitted to the screen's room (the Socket.IO adapter carries
 * it to whichever hub the screen is connected to), and audited. The answer waits up to
 * `deliveryWaitMs` for the online screens to acknowledge, so it says `delivered` or `pending`.
 */
import type { FleetCommand, FleetCommandBody, FleetScreen } from '../../common/fleet.ts';
import type { AuditLog } from '../auth/audit-log.ts';
import { NotFound } from '../domain-errors.ts';
import type { LiveNamespace } from '../realtime/live-namespace.ts';
import { fleetRoomOf } from './fleet-live.ts';
import type { FleetStore } from './fleet-store.ts';

export interface FleetCommandsDeps {
  store: FleetStore;
  audit: AuditLog;
  /** The `/live` namespace, once the realtime layer is attached (commands before that stay queued). */
  live: () => LiveNamespace | null;
  /** @default 2000 (the "delivered within 2 s") */
  deliveryWaitMs?: number;
}

export interface Sender {
  actor: string;
  ip: string;
}

const POLL_MS = 100;

export function createFleetCommands(deps: FleetCommandsDeps) {
  const { store } = deps;
  const waitMs = deps.deliveryWaitMs ?? 2000;

  async function settle(commands: FleetCommand[], onlineIds: Set<string>): Promise<FleetCommand[]> {
    const out = [...commands];
    const open = () => out.map((c, i) => [c, i] as const).filter(([c]) => c.status === 'pending' && onlineIds.has(c.screen));
    const until = Date.now() + waitMs;
    while (open().length > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      for (const [c, i] of open()) out[i] = (await store.command(c.screen, c.id)) ?? c;
    }
    return out;
  }

  return {
    /** Sends one command to each screen (known screens: `targets` found them); waits only for the online ones. */
    async send(screens: Pick<FleetScreen, 'id' | 'online'>[], body: FleetCommandBody, by: Sender): Promise<FleetCommand[]> {
      const live = deps.live();
      const commands: FleetCommand[] = [];
      const onlineIds = new Set<string>();
      for (const { id, online } of screens) {
        const command = await store.queue(id, body, by.actor);
        commands.push(command);
        await deps.audit.record({
          actor: by.actor,
          ip: by.ip,
          action: 'screen.command',
          target: id,
          detail: { command: body.command, id: command.id, ...(body.command === 'navigate' ? { path: body.path } : {}) },
        });
        if (live) {
          live.to(fleetRoomOf(id)).emit('screen:command', command);
          if (online) onlineIds.add(id);
        }
      }
      return settle(commands, onlineIds);
    },

    /** The ids a command for `group` or `ids` goes to; an unknown id or an empty group is a 404. */
    async targets(target: { group?: string | undefined; ids?: string[] | undefined }): Promise<FleetScreen[]> {
      const { screens } = await store.list();
      if (target.ids) {
        const known = new Map(screens.map((s) => [s.id, s]));
        const unknown = target.ids.find((id) => !known.has(id));
        if (unknown !== undefined) throw new NotFound(`no screen ${unknown} has reported`, 'ids');
        return [...new Set(target.ids)].map((id) => known.get(id)!);
      }
      const members = screens.filter((s) => s.group === target.group);
      if (members.length === 0) throw new NotFound(`no screen of group ${target.group ?? ''} has reported`, 'group');
      return members;
    },
  };
}

export type FleetCommands = ReturnType<typeof createFleetCommands>;
