/**
 * The people a load changes, handed out so that no two changes of one person are in flight at once: their order
 * would be the server's to choose, and each email says what the address was before. Whoever waited longest goes
 * next, so the load spreads over everyone.
 */
export class PersonPool<P> {
  private readonly idle: P[];

  constructor(people: readonly P[]) {
    this.idle = [...people];
  }

  /** Someone with no change in flight, now theirs until give(); undefined when everyone has one. */
  take(): P | undefined {
    return this.idle.shift();
  }

  /** Their change has its answer (or none will come): they may be changed again. */
  give(person: P): void {
    this.idle.push(person);
  }

  get available(): number {
    return this.idle.length;
  }
}
