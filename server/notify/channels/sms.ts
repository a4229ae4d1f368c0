/**
 * SMS through any provider's HTTP gateway: the URL, method, headers and body are templates with
 * placeholders ({phone}, {text}, {subject}, {link}, {alertId}, {rule}, {severity}, {level},
 * {center}, {dept}, {window}), escaped for where they stand.
 */
import type { z } from 'zod';
import type { NotifyContact, smsChannel } from '../../../common/notify.ts';
import type { NotifyMessage } from '../message.ts';
import { httpSend, type SendResult } from './http-send.ts';

type Sms = z.infer<typeof smsChannel>;

export function fillTemplate(template: string, values: Record<string, string>, escape: (v: string) => string): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? escape(values[name]!) : whole));
}

const ESCAPES: Record<Sms['bodyEncoding'], (v: string) => string> = {
  json: (v) => JSON.stringify(v).slice(1, -1),
  form: (v) => encodeURIComponent(v),
  raw: (v) => v,
};

export async function sendSms(ch: Sms, msg: NotifyMessage, contact: NotifyContact | null): Promise<SendResult> {
  if (!contact?.phone) return { ok: false, detail: 'the contact has no phone number' };
  const values: Record<string, string> = {
    phone: contact.phone,
    name: contact.name,
    text: `${msg.text} ${msg.link}`,
    subject: msg.subject,
    link: msg.link,
    alertId: msg.alertId,
    rule: msg.rule,
    severity: msg.severity,
    level: String(msg.level),
    center: msg.center,
    dept: msg.dept ?? '',
    window: msg.window ?? '',
  };
  const url = fillTemplate(ch.url, values, encodeURIComponent);
  const hasBody = ch.method !== 'GET' && ch.body !== '';
  const headers: Record<string, string> = {
    ...(hasBody
      ? {
          'content-type':
            ch.bodyEncoding === 'form'
              ? 'application/x-www-form-urlencoded'
              : ch.bodyEncoding === 'json'
                ? 'application/json; charset=utf-8'
                : 'text/plain; charset=utf-8',
        }
      : {}),
    ...Object.fromEntries(Object.entries(ch.headers).map(([k, v]) => [k, fillTemplate(v, values, (x) => x)])),
  };
  const r = await httpSend(url, { method: ch.method, headers, ...(hasBody ? { body: fillTemplate(ch.body, values, ESCAPES[ch.bodyEncoding]) } : {}) });
  if (r.ok && ch.okPattern && !new RegExp(ch.okPattern).test(r.body))
    return { ok: false, status: r.status, detail: `the gateway's answer does not match okPattern: ${r.detail}` };
  return r;
}
