import { setTimeout as delay } from 'node:timers/promises';
import type { ApiResponse } from '../drivers/userdata-client';
import { eventually } from '../lib/eventually';
import type { People, Person } from './people';

/** One person's move within a stream: where to, and what userdata answered (an Error when it answered nothing). */
export interface Move {
  readonly person: Person;
  readonly address: string;
  answer?: ApiResponse | Error;
}

/**
 * People moving house one after another at a steady pace, whatever happens to each move (open loop: a move does not
 * wait for the one before it, as real clients do not). The stream stops at a third, and the rest of it moves once
 * `resume()` is called: a fault made in between lands in the middle of the stream by construction, however fast the
 * faulty part comes back (MariaDB restarts in about a second) or however slowly the first third was answered. A
 * stream started with `holdAtAThird: false` goes through without stopping (a fault made before it).
 */
export class ChangeStream {
  readonly moves: readonly Move[];
  /** Settles once every move has its answer. */
  readonly finished: Promise<void>;
  /** The moves before this index go at once; the rest wait for resume(). */
  private readonly heldFrom: number;
  private resumeHeld!: () => void;

  private constructor(people: People, crowd: readonly Person[], everyMs: number, holdAtAThird: boolean) {
    this.moves = crowd.map((person) => ({ person, address: `${person.name}'s new home, ${person.user.id}` }));
    this.heldFrom = holdAtAThird ? Math.ceil(this.moves.length / 3) : this.moves.length;
    const resumed = new Promise<void>((resolve) => {
      this.resumeHeld = resolve;
    });
    this.finished = Promise.all(
      this.moves.map(async (move, i) => {
        if (i >= this.heldFrom) await resumed;
        await delay((i >= this.heldFrom ? i - this.heldFrom : i) * everyMs);
        move.answer = await people.tryToMove(move.person.name, move.address);
      }),
    ).then(() => undefined);
  }

  static start(
    people: People,
    crowd: readonly Person[],
    { everyMs = 100, holdAtAThird = true }: { everyMs?: number; holdAtAThird?: boolean } = {},
  ): ChangeStream {
    return new ChangeStream(people, crowd, everyMs, holdAtAThird);
  }

  /** Waits until the first third of the moves, those not held, have their answer, whatever it is. */
  async untilAThirdAnswered(): Promise<void> {
    await this.untilAnswered(this.heldFrom);
  }

  /** The held moves go, at the same pace; resolves once the first of them has its answer. */
  async resume(): Promise<void> {
    this.resumeHeld();
    await this.untilAnswered(this.heldFrom + 1);
  }

  private async untilAnswered(count: number): Promise<void> {
    await eventually(() => (this.answered.length >= count ? true : undefined), {
      awaiting: `${count} moves answered by userdata`,
      timeoutMs: 30_000,
      intervalMs: 10,
      lastSeen: () => `${this.answered.length} answered`,
    });
  }

  get answered(): Move[] {
    return this.moves.filter((move) => move.answer !== undefined);
  }

  /** The moves userdata accepted (200). */
  get accepted(): Move[] {
    return this.moves.filter(({ answer }) => answer && !(answer instanceof Error) && answer.status === 200);
  }

  /** The moves userdata did not accept: any other status, or no answer at all. */
  get refused(): Move[] {
    return this.moves.filter(({ answer }) => answer && (answer instanceof Error || answer.status !== 200));
  }
}
