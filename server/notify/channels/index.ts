/** Sends one message through one configured channel to one contact (or, for a test, to nobody in particular). */
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

export function perMinuteOf(ch: NotifyChannel): number {
  return ch.perMinute ?? DEFAULT_PER_MINUTE[ch.type];
}

export function sendVia(ch: NotifyChannel, msg: NotifyMessage, contactId: string, contact: NotifyContact | null): Promise<SendResult> {
  switch (ch.type) {
    case 'webhook':
      return sendWebhook(ch, msg, { contact: contactId, name: contact?.name ?? '' });
    case 'wecom':
      return sendWecom(ch, msg, contact);
    case 'dingtalk':
      return sendDingtalk(ch, msg, contact);
    case 'sms':
      return sendSms(ch, msg, contact);
    case 'email':
      return sendEmail(ch, msg, contact);
  }
}
