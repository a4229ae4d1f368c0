/**
 * Sends one message through one configured channel. A group destination (a WeCom or DingTalk group
 * robot, a generic webhook) takes one message for everyone it reaches, mentioning each; SMS and
 * email take one message per person.
 */
import type { NotifyChannel, NotifyContact } from '../../../common/notify.ts';
import type { NotifyMessage } from '../message.ts';
import { sendEmail } from './email.ts';
import type { SendResult } from './http-send.ts';
import { sendDingtalk, sendWecom } from './robots.ts';
import { sendSms } from './sms.ts';
import { sendWebhook } from './webhook.ts';

export type { SendResult } from './http-send.ts';

/** Messages a minute when the channel names none: a WeCom robot takes 20, DingTalk's 20 as well. */
export const DEFAULT_PER_MINUTE: Record<NotifyChannel['type'], number> = { webhook: 600, wecom: 20, dingtalk: 20, sms: 60, email: 60 };

/** Channels that are one destination whoever they reach: one message per (alert, level) for all their contacts. */
const GROUP_TYPES: ReadonlySet<NotifyChannel['type']> = new Set(['webhook', 'wecom', 'dingtalk']);

export function isGroupChannel(ch: NotifyChannel): boolean {
  return GROUP_TYPES.has(ch.type);
}

export function perMinuteOf(ch: NotifyChannel): number {
  return ch.perMinute ?? DEFAULT_PER_MINUTE[ch.type];
}

/** A person a message is for: the contact id, and the contact (null when no longer configured). */
export interface Recipient {
  id: string;
  contact: NotifyContact | null;
}

/** One message through the channel: to the group (mentioning every recipient), or to the one person. */
export function sendTo(ch: NotifyChannel, msg: NotifyMessage, to: Recipient[]): Promise<SendResult> {
  const people = to.map((r) => r.contact).filter((c): c is NotifyContact => c !== null);
  switch (ch.type) {
    case 'webhook':
      return sendWebhook(
        ch,
        msg,
        to.map((r) => ({ contact: r.id, name: r.contact?.name ?? '' })),
      );
    case 'wecom':
      return sendWecom(ch, msg, people);
    case 'dingtalk':
      return sendDingtalk(ch, msg, people);
    case 'sms':
      return sendSms(ch, msg, people[0] ?? null);
    case 'email':
      return sendEmail(ch, msg, people[0] ?? null);
  }
}

/** One message to one contact (or, for a test, to nobody in particular). */
export function sendVia(ch: NotifyChannel, msg: NotifyMessage, contactId: string, contact: NotifyContact | null): Promise<SendResult> {
  return sendTo(ch, msg, [{ id: contactId, contact }]);
}
