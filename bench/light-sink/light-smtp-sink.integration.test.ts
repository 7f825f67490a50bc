import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { LightSmtpSink } from './light-smtp-sink';

describe('LightSmtpSink', () => {
  it('accepts every message over pooled connections, keeps each Message-ID and time, and stops its process', async () => {
    const sink = await LightSmtpSink.start();
    const transporter = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.port,
      pool: true,
      maxConnections: 4,
    });
    try {
      const started = Date.now();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          transporter.sendMail({
            from: 'bench@bench.test',
            to: `p${i}@bench.test`,
            subject: 'x',
            text: `body ${i}\r\n\r\nnot a header: Message-ID: <nope@x>`,
            messageId: `<m${i}@bench.test>`,
          }),
        ),
      );
      const accepted = await sink.take();
      assert.deepEqual(
        accepted.map((message) => message.messageId).sort(),
        Array.from({ length: 20 }, (_, i) => `<m${i}@bench.test>`).sort(),
      );
      assert.ok(accepted.every((message) => message.acceptedAt >= started - 1_000));
      assert.deepEqual(await sink.take(), [], 'a take empties what was accepted');
      assert.ok(sink.cpuSeconds() >= 0);
    } finally {
      transporter.close();
      await sink.stop();
    }
    await sink.stop();
  });
});
