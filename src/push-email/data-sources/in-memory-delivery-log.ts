import type { Delivery, DeliveryLog, PastOutcome, SetAside } from '../repositories/delivery-log';

/** For unit tests of the interactor: behaves as the MySQL delivery log does, in memory. */
export class InMemoryDeliveryLog implements DeliveryLog {
  readonly deliveries = new Map<string, Delivery>();
  readonly setAside = new Map<string, SetAside>();

  async outcomeOf(id: string): Promise<PastOutcome> {
    if (this.deliveries.has(id)) return 'sent';
    return this.setAside.has(id) ? 'set-aside' : undefined;
  }

  async record(delivery: Delivery): Promise<void> {
    if (!this.deliveries.has(delivery.id)) this.deliveries.set(delivery.id, delivery);
  }

  async recordSetAside(entries: readonly SetAside[]): Promise<void> {
    for (const entry of entries) if (!this.setAside.has(entry.id)) this.setAside.set(entry.id, entry);
  }
}
