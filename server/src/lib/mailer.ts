import nodemailer from 'nodemailer';

export type Mail = { to: string; subject: string; text: string; /** A simple HTML part beside the text, when there is one. */ html?: string };

export type Mailer = {
  /** 'smtp' sends; 'log' writes development mail to the log, since there is nowhere to send it. */
  readonly kind: 'smtp' | 'log' | 'none';
  send(mail: Mail): Promise<void>;
};

type Logger = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };

/**
 * Mail through SMTP when SMTP_URL is set. Without it, development writes each mail's subject
 * and text (with its link) to the server log, never the address it was for; production logs
 * only that a mail could not be sent.
 */
export function createMailer(options: { smtpUrl: string | null; from: string; env: string }, log: Logger): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      kind: 'smtp',
      async send(mail) {
        await transport.sendMail({ from: options.from, to: mail.to, subject: mail.subject, text: mail.text, ...(mail.html ? { html: mail.html } : {}) });
      },
    };
  }
  if (options.env !== 'production') {
    if (options.env === 'development') {
      log.warn({}, 'SMTP_URL is not set: mails, password reset links among them, are written to this log (development only; set NODE_ENV=production in production)');
    }
    return {
      kind: 'log',
      async send(mail) {
        log.info({ mail: { subject: mail.subject, text: mail.text } }, 'mail not sent (no SMTP_URL); its text is here for development');
      },
    };
  }
  return {
    kind: 'none',
    async send(mail) {
      log.warn({ mail: { subject: mail.subject } }, 'mail not sent: set SMTP_URL to send mail');
    },
  };
}
