/**
 * Generic webhook: the message as JSON (an alert's fields, or a report's: `report`, `subject`,
 * `text`, `link`, `at`), with everyone it is for (`contacts`; `contact` and `contactName` are the
 * first of them, the fields of one-contact receivers);
 * `X-Yg-Signature: sha256=<hex HMAC-SHA256 of the body>` when the channel has a secret.
 */
import crypto from 'node:crypto';
import type { z } from 'zod';
import type { webhookChannel } from '../../../common/notify.ts';
import type { NotifyMessage } from '../message.ts';
import { httpSend, type SendResult } from './http-send.ts';

export function webhookSignature(secret: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function sendWebhook(ch: z.infer<typeof webhookChannel>, msg: NotifyMessage, to: { contact: string; name: string }[]): Promise<SendResult> {
  const first = to[0] ?? { contact: '', name: '' };
  // a report's message is not an alert: its body carries the report's fields only, never the placeholders
  const fields = msg.report ? { report: msg.report, subject: msg.subject, text: msg.text, link: msg.link, at: msg.openedAt } : msg;
  const body = JSON.stringify({ ...fields, contact: first.contact, contactName: first.name, contacts: to });
  const headers: Record<string, string> = { ...ch.headers, 'content-type': 'application/json; charset=utf-8' };
  if (ch.secret) headers['x-yg-signature'] = webhookSignature(ch.secret, body);
  return httpSend(ch.url, { method: 'POST', headers, body });
}
