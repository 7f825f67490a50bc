import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { cpuSecondsOf } from '../memory';
import type { SinkReply, SinkRequest } from './protocol';

/** A message the sink accepted. */
export interface AcceptedMessage {
  readonly messageId: string;
  readonly acceptedAt: number;
}

/** The light SMTP sink (sink-process.ts) in its own process: its port, what it accepted, its CPU time. */
export class LightSmtpSink {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<LightSmtpSink> {
    const child = fork(join(__dirname, 'sink-process.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const listening = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the light SMTP sink exited (${code}) before listening`)));
      child.on('message', (reply: SinkReply) => {
        if (reply.type === 'listening') resolve(reply.port);
      });
    });
    child.removeAllListeners('exit');
    return new LightSmtpSink(child, listening);
  }

  /** Every message accepted since the last call. */
  async take(): Promise<AcceptedMessage[]> {
    const taken = new Promise<AcceptedMessage[]>((resolve) => {
      const onReply = (reply: SinkReply) => {
        if (reply.type !== 'taken') return;
        this.child.off('message', onReply);
        resolve(reply.accepted.map(([messageId, acceptedAt]) => ({ messageId, acceptedAt })));
      };
      this.child.on('message', onReply);
    });
    this.send({ type: 'take' });
    return taken;
  }

  /** CPU seconds (user + system) the sink has used so far. */
  cpuSeconds(): number {
    return this.child.pid === undefined ? 0 : cpuSecondsOf(this.child.pid);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private send(request: SinkRequest): void {
    this.child.send(request);
  }
}
