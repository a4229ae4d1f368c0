/**
 * The live alerts of the signed-in user: the unresolved list from the API on every (re)connect,
 * then the `/alerts` namespace's messages. Also the hub's clock (for "open for …") and the
 * actions, whose 409 answers become a message for the user.
 */
import { defineStore } from 'pinia';
import { io, type Socket } from 'socket.io-client';
import { computed, onScopeDispose, ref, shallowRef, triggerRef } from 'vue';
import {
  ALERTS_NAMESPACE,
  compareAlerts,
  isUnresolved,
  type Alert,
  type AlertMessage,
  type AlertsClientToServerEvents,
  type AlertsServerToClientEvents,
} from '../../../common/alerts.ts';
import { actOn, ApiError, listAlerts } from '../model/api.ts';
import { hubClock } from '../../../web/hub-clock.ts';
import { CONFLICT_LABEL } from '../model/labels.ts';

export type Notice = { kind: 'ok' | 'error'; text: string; at: number };

export const useAlertsStore = defineStore('alerts', () => {
  const byId = shallowRef(new Map<string, Alert>());
  const connected = ref(false);
  /** The active list has been read once: until then an empty list means nothing yet, not no alerts. */
  const listed = ref(false);
  const signInRequired = ref(false);
  const notice = ref<Notice | null>(null);
  /** Hub clock minus this PC's clock: the page's estimate (web/hub-clock.ts), which the answers and alerts below feed. */
  const offset = ref(hubClock.offsetMs());
  /** The hub's time, once a second (for "open for …"). */
  const now = ref(hubClock.now());
  const ticker = setInterval(() => {
    now.value = hubClock.now();
  }, 1000);
  const offClock = hubClock.onChange((o) => {
    offset.value = o;
    now.value = hubClock.now();
  });
  let socket: Socket<AlertsServerToClientEvents, AlertsClientToServerEvents> | null = null;

  const active = computed(() => [...byId.value.values()].filter((a) => isUnresolved(a.state)).sort(compareAlerts));
  const soundLevel = computed(() => {
    const waiting = active.value.filter((a) => a.state === 'open');
    return waiting.some((a) => a.severity === 'red') ? 'red' : waiting.length > 0 ? 'yellow' : 'off';
  });

  // Every minute: the full list again (heals a lost message) and the hub's clock again.
  const resync = setInterval(() => {
    if (connected.value) load().catch(() => undefined);
  }, 60_000);

  function put(alert: Alert): void {
    // a change is stamped by the hub's clock before it is sent: the hub's time now is at least that
    hubClock.noteSentAt(alert.updatedAt);
    const current = byId.value.get(alert.id);
    if (current && current.updatedAt > alert.updatedAt) return; // an older message after a newer answer
    if (isUnresolved(alert.state)) byId.value.set(alert.id, alert);
    else byId.value.delete(alert.id);
    triggerRef(byId);
  }

  async function load(): Promise<void> {
    const { alerts, now: hubNow } = await listAlerts({ state: 'active', limit: '1000' });
    // the hub's time when it answered: a bound like a /live message's sentAt
    hubClock.noteSentAt(hubNow);
    now.value = hubClock.now();
    byId.value = new Map(alerts.map((a) => [a.id, a]));
    listed.value = true;
  }

  function connect(): void {
    socket?.disconnect();
    signInRequired.value = false;
    socket = io(ALERTS_NAMESPACE, { transports: ['websocket'], withCredentials: true });
    socket.on('connect', () => {
      connected.value = true;
      load().catch(() => undefined);
    });
    socket.on('disconnect', () => {
      connected.value = false;
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      connected.value = false;
      if (err.data?.code === 'sign-in-required') {
        signInRequired.value = true;
        socket?.disconnect();
      }
    });
    socket.on('alert', (m: AlertMessage) => put(m.alert));
  }

  function say(kind: Notice['kind'], text: string): void {
    // the PC's clock: the console shows it for 6 s (store.now - store.offset, a duration on this PC's clock)
    notice.value = { kind, text, at: Date.now() };
  }

  async function act(id: string, action: 'ack' | 'resolve' | 'escalate', body: Record<string, unknown> = {}): Promise<boolean> {
    try {
      const { alert } = await actOn(id, action, body);
      put(alert);
      say('ok', { ack: '已确认', resolve: '已办结', escalate: '已上报' }[action]);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.alert) put(err.alert);
      say(
        'error',
        err instanceof ApiError ? `操作未完成：${err.code && err.alert ? CONFLICT_LABEL[err.code](err.alert) : err.message}` : '无法连接服务器，请稍后再试',
      );
      return false;
    }
  }

  function close(): void {
    socket?.disconnect();
    socket = null;
  }
  onScopeDispose(() => {
    offClock();
    clearInterval(ticker);
    clearInterval(resync);
    close();
  });

  return { byId, active, listed, connected, signInRequired, notice, now, offset, soundLevel, connect, close, load, put, act, say };
});
