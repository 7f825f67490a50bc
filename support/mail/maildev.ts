import MailDev from 'maildev';
import { createTransport } from 'nodemailer';
import { assertPortFree } from '../lib/free-ports';
import type { RawMessage } from './inbox';

/**
 * MailDev: an SMTP server with a web UI, so that a person running `npm start` reads the emails in a browser. The
 * inbox, which push-email sends to, relays each email to it (`deliver`). Its mails are kept in `mailDirectory` (by
 * default it would leave a folder in the system's temp folder).
 */
export async function startMailDev(
  smtpPort: number,
  webPort: number,
  mailDirectory: string,
): Promise<{ webUrl: string; deliver: (message: RawMessage) => Promise<void>; stop: () => Promise<void> }> {
  await assertPortFree(smtpPort, 'SMTP_PORT');
  await assertPortFree(webPort, 'MAIL_UI_PORT');
  const maildev = withoutNewSignalHandlers(
    () => new MailDev({ smtp: smtpPort, web: webPort, ip: '127.0.0.1', silent: true, mailDirectory }),
  );
  await new Promise<void>((resolve, reject) => maildev.listen((error) => (error ? reject(error) : resolve())));
  // The inbox relays each message as it came, bytes and envelope, over one kept connection.
  const relay = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true });
  return {
    webUrl: `http://127.0.0.1:${webPort}`,
    deliver: async ({ from, to, raw }) => {
      await relay.sendMail({ envelope: { from, to: [...to] }, raw });
    },
    stop: () => {
      relay.close();
      return new Promise<void>((resolve) => maildev.close(() => resolve()));
    },
  };
}

/**
 * MailDev installs SIGINT/SIGTERM handlers that call process.exit(0), which would cut the harness's orderly stop
 * short (leaving its data folder behind, and exiting 0 on Ctrl-C). The harness owns those signals: drop MailDev's.
 */
function withoutNewSignalHandlers<T>(create: () => T): T {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Set(signals.flatMap((signal) => process.listeners(signal)));
  const created = create();
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.has(listener)) process.off(signal, listener);
  }
  return created;
}
