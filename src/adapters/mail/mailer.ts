import type { Transporter } from 'nodemailer';
import type { Logger } from '../../shared/logger.ts';

/** A message ready to send. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
}

/** The mail port: `send` returns `sent` when delivered to SMTP, `logged` when there is no SMTP server. */
export interface Mailer {
  send(message: MailMessage): Promise<'sent' | 'logged'>;
}

/**
 * SMTP through nodemailer when `SMTP_URL` is set; otherwise the message is written to the log.
 * nodemailer is imported on the first send (see bench/foundation.bench.ts).
 */
export function createMailer(smtp: { url: string | undefined; from: string }, logger: Logger): Mailer {
  if (!smtp.url) {
    return {
      async send(message) {
        logger.info({ mail: { to: message.to, subject: message.subject, text: message.text } }, 'e-mail (no SMTP_URL configured)');
        return 'logged';
      },
    };
  }
  const url = smtp.url;
  let transport: Promise<Transporter> | undefined;
  return {
    async send(message) {
      transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(url));
      await (await transport).sendMail({ from: smtp.from, to: message.to, subject: message.subject, text: message.text, html: message.html ?? undefined });
      return 'sent';
    },
  };
}
