/** IPC between the fanout bench and its client processes. */
export interface ClientsConfig {
  url: string;
  count: number;
  /** `live`: the hub's /live with subscribe; `raw`: a plain Socket.IO broadcast server. */
  mode: 'live' | 'raw';
  scope: string;
}

export type ToClients =
  /** A batch is about to be posted at `t`; once applied, the city's portal pv reaches `pv`. */
  | { type: 'batch'; pv: number; t: number }
  /** Forget what was measured so far (end of warm-up). */
  | { type: 'reset' }
  | { type: 'report' };

export interface ClientsReport {
  type: 'report';
  connected: number;
  /** ingest start → delta with the event received, ms */
  eventToClient: [number, number][];
  /** hub (or raw server) send → receipt, ms */
  sendToClient: [number, number][];
  messages: number;
  messageBytes: number;
  disconnects: number;
}

export type FromClients = { type: 'ready'; connected: number; basePv: number } | ClientsReport;
