import { eventually } from '../lib/eventually';
import type { Inbox } from '../mail/inbox';
import type { RunningStack } from '../stack/start-stack';

/**
 * What a scenario does to the stack to see how the product copes: the mail server going down or refusing a
 * recipient, push-email crashing. `repair()` undoes all of it for the next scenario.
 */
export class StackFaults {
  constructor(
    private readonly inbox: Inbox,
    private readonly stack: RunningStack,
  ) {}

  /** The mail server stops accepting connections; what was received before is kept. */
  async mailServerGoesDown(): Promise<void> {
    await this.inbox.goDown();
  }

  async mailServerComesBack(): Promise<void> {
    await this.inbox.comeBack();
  }

  /** The mail server answers 550 (no such user) to every email for this address, from now on. */
  mailServerRefusesForGood(address: string): void {
    this.inbox.refuse(address);
  }

  mailServerAcceptsAgain(address: string): void {
    this.inbox.accept(address);
  }

  /**
   * Ends push-email with SIGKILL as soon as `count()` reaches `atLeast`: a crash at a moment the scenario chooses.
   * Returns the count once push-email is gone: what had happened before the crash.
   */
  async crashPushEmailWhen(what: string, count: () => number, atLeast: number, timeoutMs = 20_000): Promise<number> {
    await eventually(() => (count() >= atLeast ? true : undefined), {
      awaiting: `${atLeast} ${what} before killing push-email`,
      timeoutMs,
      intervalMs: 5,
      lastSeen: () => `${count()} ${what}`,
    });
    await this.stack.killPushEmail();
    return count();
  }

  /** Starts push-email again, as it was configured; resolves once it is back in its consumer group. */
  async restartPushEmail(): Promise<void> {
    await this.stack.restartPushEmail();
  }

  /** How many emails push-email may have in flight at once: the bound on what a crash can send twice. */
  get pushEmailConcurrency(): number {
    return this.stack.pushEmailConcurrency;
  }

  /**
   * Undoes whatever a scenario did, even one that failed half-way: the mail server accepts everyone and is up,
   * push-email runs. Says what it had to bring back, for the scenario's report.
   */
  async repair(): Promise<string[]> {
    const repaired: string[] = [];
    this.inbox.refuseNoOne();
    if (!this.inbox.isUp) {
      repaired.push('The mail server was still down at the end of the scenario: bringing it back.');
      await this.inbox.comeBack();
    }
    if (!this.stack.services.pushEmail.isRunning) {
      repaired.push('push-email was not running at the end of the scenario: starting it again.');
      await this.stack.restartPushEmail();
    }
    return repaired;
  }
}
