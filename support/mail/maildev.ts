import MailDev from 'maildev';
import { assertPortFree } from '../lib/ports';

/** MailDev: an SMTP server with a web UI, so that a person running `npm start` reads the emails in a browser. */
export async function startMailDev(smtpPort: number, webPort: number): Promise<{ webUrl: string; stop: () => Promise<void> }> {
  await assertPortFree(smtpPort, 'SMTP_PORT');
  await assertPortFree(webPort, 'MAIL_UI_PORT');
  const maildev = new MailDev({ smtp: smtpPort, web: webPort, ip: '127.0.0.1', silent: true });
  await new Promise<void>((resolve, reject) => maildev.listen((error) => (error ? reject(error) : resolve())));
  return {
    webUrl: `http://127.0.0.1:${webPort}`,
    stop: () => new Promise<void>((resolve) => maildev.close(() => resolve())),
  };
}
