/** Email over SMTP (nodemailer): the subject, the line and the link, as text and simple HTML. */
import nodemailer from 'nodemailer';
import type { z } from 'zod';
import type { emailChannel, NotifyContact } from '../../../common/notify.ts';
import { levelLineOf, linkLabelOf, type NotifyMessage } from '../message.ts';
import type { SendResult } from './http-send.ts';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function sendEmail(ch: z.infer<typeof emailChannel>, msg: NotifyMessage, contact: NotifyContact | null): Promise<SendResult> {
  if (!contact?.email) return { ok: false, detail: 'the contact has no email address' };
  const transport = nodemailer.createTransport({
    host: ch.host,
    port: ch.port,
    secure: ch.secure,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 15_000,
    ...(ch.user ? { auth: { user: ch.user, pass: ch.pass ?? '' } } : {}),
  });
  try {
    const info = await transport.sendMail({
      from: ch.from,
      to: `${contact.name} <${contact.email}>`,
      subject: msg.subject,
      text: `${msg.text}\n\n${levelLineOf(msg) ? `${levelLineOf(msg)}\n` : ''}${linkLabelOf(msg)}：${msg.link}\n`,
      html: `<p>${escapeHtml(msg.text)}</p>${levelLineOf(msg) ? `<p>${escapeHtml(levelLineOf(msg))}</p>` : ''}<p><a href="${escapeHtml(msg.link)}">${linkLabelOf(msg)}</a></p>`,
      headers: msg.report ? { 'X-Yg-Report': msg.report } : { 'X-Yg-Alert': msg.alertId },
    });
    return { ok: true, detail: String(info.response ?? 'accepted') };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  } finally {
    transport.close();
  }
}
