import type { Transporter } from 'nodemailer';
import type { Email } from '../entities/email';
import type { EmailSender } from '../repositories/email-sender';

/** Sends over SMTP with nodemailer; `send` resolves only when the server answered 250 to the message. */
export class NodemailerEmailSender implements EmailSender {
  constructor(
    private readonly transporter: Transporter,
    private readonly from: string,
  ) {}

  async send(email: Email): Promise<void> {
    await this.transporter.sendMail({
      from: this.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
    });
  }
}
