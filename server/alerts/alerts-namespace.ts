/**
 * Socket.IO namespace `/alerts`: signed-in supervisors, leaders and admins, authorised at the
 * handshake by the same middleware as `/live` (session cookie). A supervisor joins the rooms of
 * their departments only; leaders and admins the room of everything. Changes are emitted to
 * both rooms of an alert; the Redis adapter carries them to the sockets of other hub processes.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import { ALERTS_NAMESPACE, type AlertMessage, type AlertsClientToServerEvents, type AlertsServerToClientEvents } from '../../common/alerts.ts';
import { visibleDepts } from '../../common/auth.ts';
import type { LiveSocketData } from '../realtime/handshake-auth.ts';

export type AlertsNamespace = Namespace<AlertsClientToServerEvents, AlertsServerToClientEvents, Record<string, never>, Partial<LiveSocketData>>;
type AlertsSocket = Socket<AlertsClientToServerEvents, AlertsServerToClientEvents, Record<string, never>, Partial<LiveSocketData>>;

export const ALL_ROOM = 'all';
export const deptRoom = (dept: string) => `dept:${dept}`;

export class AlertsAccessError extends Error {
  override name = 'AlertsAccessError';
  readonly data = { code: 'sign-in-required' as const };
  constructor() {
    super('alerts are for signed-in supervisors, leaders and admins: sign in at /screens/supervisor');
  }
}

export function attachAlertsNamespace(
  io: Server,
  authenticate: (socket: AlertsSocket, next: (err?: Error) => void) => void,
): { emit(messages: AlertMessage[]): void } {
  const nsp = io.of(ALERTS_NAMESPACE) as unknown as AlertsNamespace;
  nsp.use(authenticate);
  nsp.use((socket, next) => {
    const p = socket.data.principal;
    next(p?.kind === 'user' ? undefined : new AlertsAccessError());
  });
  nsp.on('connection', (socket) => {
    const p = socket.data.principal;
    if (p?.kind !== 'user') return void socket.disconnect(true);
    const depts = visibleDepts(p.user);
    void socket.join(depts ? depts.map(deptRoom) : ALL_ROOM);
    socket.on('ping', (ack) => typeof ack === 'function' && ack({ ok: true }));
  });
  return {
    emit(messages) {
      for (const m of messages) {
        const rooms = m.alert.dept ? [ALL_ROOM, deptRoom(m.alert.dept)] : [ALL_ROOM];
        nsp.to(rooms).emit('alert', m);
      }
    },
  };
}
