/** One HTTP request to a receiver, with a deadline; the result every channel answers. */
export interface SendResult {
  ok: boolean;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** The answer's body (cut short) or the error. */
  detail: string;
}

export const SEND_TIMEOUT_MS = 10_000;

export async function httpSend(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<SendResult & { body: string }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(SEND_TIMEOUT_MS), redirect: 'error' });
    const body = await res.text();
    return { ok: res.ok, status: res.status, detail: `${res.status} ${body.slice(0, 200)}`.trim(), body };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, detail: cause ? `${(err as Error).message} (${cause})` : (err as Error).message, body: '' };
  }
}

/** WeCom and DingTalk robots answer 200 with `errcode` 0 on success, another errcode otherwise. */
export function robotResult(r: SendResult & { body: string }): SendResult {
  if (!r.ok) return r;
  try {
    const answer = JSON.parse(r.body) as { errcode?: number; errmsg?: string };
    if (answer.errcode === 0) return { ok: true, status: r.status, detail: r.detail };
    return { ok: false, status: r.status, detail: `errcode ${answer.errcode ?? '?'}: ${answer.errmsg ?? ''}` };
  } catch {
    return { ok: false, status: r.status, detail: `not a robot answer: ${r.detail}` };
  }
}
