/**
 * Group robots: 企业微信 (WeCom) markdown message, 钉钉 (DingTalk) markdown message with its
 * signing scheme: `timestamp` (ms) and `sign` = url-encoded base64 HMAC-SHA256, keyed with the
 * secret, of "timestamp\nsecret".
 */
import crypto from 'node:crypto';
import type { z } from 'zod';
import type { dingtalkChannel, NotifyContact, wecomChannel } from '../../../common/notify.ts';
import { levelLineOf, linkLabelOf, type NotifyMessage } from '../message.ts';
import { httpSend, robotResult, type SendResult } from './http-send.ts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function markdownOf(msg: NotifyMessage): string {
  const color = msg.severity === 'red' ? 'warning' : 'comment';
  const level = levelLineOf(msg);
  return `**<font color="${color}">${msg.subject}</font>**\n> ${msg.text}${level ? `\n> ${level}` : ''}\n\n[${linkLabelOf(msg)}](${msg.link})`;
}

/** Contacts mentioned once each, in order (a group message names everyone it is for). */
const unique = (xs: (string | undefined)[]): string[] => [...new Set(xs.filter((x): x is string => !!x))];

/** WeCom's markdown mentions by user id only (`<@userid>`); a contact without one is not mentioned. */
export async function sendWecom(ch: z.infer<typeof wecomChannel>, msg: NotifyMessage, contacts: NotifyContact[]): Promise<SendResult> {
  const ids = unique(contacts.map((c) => c.wecom));
  const mention = ids.length > 0 ? `\n${ids.map((id) => `<@${id}>`).join(' ')}` : '';
  const body = JSON.stringify({ msgtype: 'markdown', markdown: { content: markdownOf(msg) + mention } });
  return robotResult(await httpSend(ch.url, { method: 'POST', headers: JSON_HEADERS, body }));
}

export function dingtalkSign(secret: string, timestamp: number): string {
  return encodeURIComponent(crypto.createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
}

/** DingTalk notifies those in `at.atMobiles` / `at.atUserIds`; the text names them with `@` so the mention shows. */
export async function sendDingtalk(ch: z.infer<typeof dingtalkChannel>, msg: NotifyMessage, contacts: NotifyContact[]): Promise<SendResult> {
  let url = ch.url;
  if (ch.secret) {
    // DingTalk refuses a timestamp more than an hour from its own clock: the real clock, not the hub's
    const timestamp = Date.now();
    url += `${url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${dingtalkSign(ch.secret, timestamp)}`;
  }
  const phones = unique(contacts.map((c) => c.phone));
  const userIds = unique(contacts.map((c) => c.dingtalk));
  const named = [...phones, ...userIds];
  const mention = named.length > 0 ? `\n\n${named.map((x) => `@${x}`).join(' ')}` : '';
  const body = JSON.stringify({
    msgtype: 'markdown',
    markdown: {
      title: msg.subject,
      text: `### ${msg.subject}\n\n${msg.text}\n\n${levelLineOf(msg) ? `${levelLineOf(msg)}\n\n` : ''}[${linkLabelOf(msg)}](${msg.link})${mention}`,
    },
    at: { atMobiles: phones, atUserIds: userIds, isAtAll: false },
  });
  return robotResult(await httpSend(url, { method: 'POST', headers: JSON_HEADERS, body }));
}
