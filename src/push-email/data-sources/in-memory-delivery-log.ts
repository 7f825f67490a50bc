import type { Delivery, DeliveryLog, PastOutcome, SetAside } from '../repositories/delivery-log';

/** For unit tests of the interactor: behaves as the MySQL delivery log does, in memory, and counts its round trips. */
export class InMemoryDeliveryLog implements DeliveryLog {
  readonly deliveries = new Map<string, Delivery>();
  readonly setAside = new Map<string, SetAside>();
  /** How many lookups and writes were made: a batch should cost one of each. */
  readonly roundTrips = { lookups: 0, writes: 0 };

  async outcomesOf(ids: readonly string[]): Promise<ReadonlyMap<string, Exclude<PastOutcome, undefined>>> {
    this.roundTrips.lookups++;
    const outcomes = new Map<string, Exclude<PastOutcome, undefined>>();
    for (const id of ids) {
      if (this.deliveries.has(id)) outcomes.set(id, 'sent');
      else if (this.setAside.has(id)) outcomes.set(id, 'set-aside');
    }
    return outcomes;
  }

  async record(deliveries: readonly Delivery[]): Promise<void> {
    this.roundTrips.writes++;
    for (const delivery of deliveries)
      if (!this.deliveries.has(delivery.id)) this.deliveries.set(delivery.id, delivery);
  }

  async recordSetAside(entries: readonly SetAside[]): Promise<void> {
    this.roundTrips.writes++;
    for (const entry of entries) if (!this.setAside.has(entry.id)) this.setAside.set(entry.id, entry);
  }
}
