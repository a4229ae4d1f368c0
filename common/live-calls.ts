/**
 * Which events the walls show at once: a call (`ticket.called`) is the number a window's LED and
 * the hall show, and what people in the hall wait for, so a batch that holds one flushes its live
 * rooms without waiting for the tick (docs/realtime.md, "Flush, per room"). Defined once here:
 * the ingest (a batch applied at once) and the aggregator (a batch applied from the backlog) both
 * ask `isCallEvent` / `holdsCall` about the event types they applied.
 */
export const CALL_EVENT_TYPES: ReadonlySet<string> = new Set(['ticket.called']);

/** An event of this type is a call. */
export const isCallEvent = (type: string): boolean => CALL_EVENT_TYPES.has(type);

/** The applied event types include a call. */
export function holdsCall(types: Iterable<string>): boolean {
  for (const t of types) if (isCallEvent(t)) return true;
  return false;
}
