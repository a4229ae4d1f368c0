/** IPC between the fanout bench and its client processes. */
export interface ClientsConfig {
  url: string;
  count: number;
  /** `live`: the hub's /live with subscribe; `raw`: a plain Socket.IO broadcast server. */
  mode: 'live' | 'raw';
  scope: string;
  /** Spread the clients over these scopes instead (client i on `scopes[i % length]`). */
  scopes?: string[];
}

export type ToClients =
  /** A batch is about to be posted at `t`; once applied, the city's portal pv reaches `pv`. */
  | { type: 'batch'; pv: number; t: number }
  /** A call of ticket `code` to `window` is about to be posted at `t` (the call-latency scenario). */
  | { type: 'call'; code: string; window: string; t: number }
  /** Forget what was measured so far (end of warm-up). */
  | { type: 'reset' }
  | { type: 'report' };

export interface ClientsReport {
  type: 'report';
  connected: number;
  /** ingest start → delta with the event received, ms */
  eventToClient: [number, number][];
  /** ingest start of a call → the first delta that shows it, per client whose room shows that window, ms */
  callToCenter: [number, number][];
  callToWindow: [number, number][];
  /** ingest start of a call → the hub's send of that delta (the hub's part, without the clients' own delays) */
  callToSend: [number, number][];
  /** calls a client should have seen (its center, or its own window), and of those the ones it did not */
  callsExpected: number;
  callsMissed: number;
  /** hub (or raw server) send → receipt, ms */
  sendToClient: [number, number][];
  messages: number;
  messageBytes: number;
  disconnects: number;
}

export type FromClients = { type: 'ready'; connected: number; basePv: number } | ClientsReport;
