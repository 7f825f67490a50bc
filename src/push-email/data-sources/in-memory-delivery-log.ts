import type { Delivery, DeliveryLog } from '../repositories/delivery-log';

/** For unit tests of the interactor: behaves as the MySQL delivery log does, in memory. */
export class InMemoryDeliveryLog implements DeliveryLog {
  readonly deliveries = new Map<string, Delivery>();

  async wasDelivered(id: string): Promise<boolean> {
    return this.deliveries.has(id);
  }

  async record(delivery: Delivery): Promise<void> {
    if (!this.deliveries.has(delivery.id)) this.deliveries.set(delivery.id, delivery);
  }
}
