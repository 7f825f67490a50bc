/**
 * The benchmark's light SMTP sink, as a process of its own (forked by LightSmtpSink): it accepts every message,
 * keeps its Message-ID and the time it was accepted, and parses no MIME, so that the sink is never what limits a
 * delivery measurement, and its CPU is reported apart from the harness's.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SinkReply, SinkRequest } from './protocol';

const accepted: [messageId: string, acceptedAt: number][] = [];

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  disableReverseLookup: true,
  logger: false,
  onData(stream, _session, callback) {
    // Only the header block is kept, and only until its end: the body streams through untouched.
    let header = '';
    let inHeader = true;
    stream.on('data', (chunk: Buffer) => {
      if (!inHeader) return;
      header += chunk.toString('latin1');
      const end = header.indexOf('\r\n\r\n');
      if (end >= 0) {
        header = header.slice(0, end);
        inHeader = false;
      }
    });
    stream.on('end', () => {
      accepted.push([/^message-id:[ \t]*(\S+)/im.exec(header)?.[1] ?? '', Date.now()]);
      callback();
    });
  },
});

const reply = (message: SinkReply) => process.send?.(message);

server.listen(0, '127.0.0.1', () => reply({ type: 'listening', port: (server.server.address() as AddressInfo).port }));
process.on('message', (request: SinkRequest) => {
  if (request.type === 'take') reply({ type: 'taken', accepted: accepted.splice(0) });
  if (request.type === 'stop') server.close(() => process.exit(0));
});
// The benchmark gone (its IPC channel closed), the sink goes too: never an orphan.
process.on('disconnect', () => process.exit(0));
