import type { DeadLetter, DeadLetters, RecordPosition } from '../drivers/dead-letters';
import type { Pipeline } from './pipeline';

/** The record that is no change event, as the scenario writes it among a person's changes. */
export const unreadableRecord = { key: JSON.stringify({ id: 999_999 }), value: '{not json' } as const;

/**
 * What push-email set aside on the dead-letter topic, as an operator sees it: the dead letters of a person's
 * changes or of a record the scenario planted on the change topic, and replaying them once their cause is fixed.
 */
export class DeadLetterQueue {
  /** Where the unreadable record the scenario wrote landed on the change topic. */
  private planted: RecordPosition | undefined;
  /** The dead letter found last, for the steps that replay it. */
  private lastFound: DeadLetter | undefined;

  constructor(
    private readonly deadLetters: DeadLetters,
    private readonly pipeline: Pipeline,
  ) {}

  /**
   * Writes a record that is not a change event onto the change topic, into the partition that holds `name`'s
   * changes, so that their next change comes after it in the same partition.
   */
  async plantUnreadableRecordAmongChangesOf(name: string): Promise<void> {
    const created = await this.pipeline.captured(name, 'c', `the creation of ${name}`);
    this.planted = await this.deadLetters.writeToChangeTopic({ partition: created.partition, ...unreadableRecord });
  }

  /** Waits for the dead letter of the unreadable record. */
  ofUnreadableRecord(): Promise<DeadLetter> {
    return this.deadLetters.waitForLetterFrom(this.plantedRecord);
  }

  /** Every dead letter of the unreadable record so far. */
  allOfUnreadableRecord(): DeadLetter[] {
    return this.deadLetters.lettersFrom(this.plantedRecord);
  }

  /** Waits for the dead letter of `name`'s latest change, and keeps it for the steps that replay it. */
  async ofLatestChangeOf(name: string): Promise<DeadLetter> {
    this.lastFound = await this.deadLetters.waitForLetterFrom(await this.pipeline.latestChangeOf(name));
    return this.lastFound;
  }

  /** Replays the dead letter found last, as an operator does once its cause is fixed. */
  async replayLastFound(): Promise<void> {
    if (!this.lastFound) throw new Error('No dead letter was found yet in this scenario');
    await this.deadLetters.replay(this.lastFound);
  }

  private get plantedRecord(): RecordPosition {
    if (!this.planted) throw new Error('No record was written to the change topic in this scenario');
    return this.planted;
  }
}
