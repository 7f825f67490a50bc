import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Delivery, DeliveryLog, PastOutcome, SetAside } from '../repositories/delivery-log';

/** The delivery log in push-email's own database (`push_email`), apart from the captured `clients`. */
export class MySqlDeliveryLog implements DeliveryLog {
  constructor(private readonly pool: Pool) {}

  /** One round trip for the whole batch; sent wins over set aside (a replayed dead letter may have been sent since). */
  async outcomesOf(ids: readonly string[]): Promise<ReadonlyMap<string, Exclude<PastOutcome, undefined>>> {
    const outcomes = new Map<string, Exclude<PastOutcome, undefined>>();
    const distinct = [...new Set(ids)];
    if (distinct.length === 0) return outcomes;
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT id, 1 AS sent FROM deliveries WHERE id IN (?) UNION ALL SELECT id, 0 AS sent FROM set_aside WHERE id IN (?)',
      [distinct, distinct],
    );
    for (const row of rows) {
      const id = String(row.id);
      if (row.sent) outcomes.set(id, 'sent');
      else if (!outcomes.has(id)) outcomes.set(id, 'set-aside');
    }
    return outcomes;
  }

  /** One multi-row INSERT for the whole batch. */
  async record(deliveries: readonly Delivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.pool.query('INSERT IGNORE INTO deliveries (id, message_id, recipient, kind) VALUES ?', [
      deliveries.map((delivery) => [delivery.id, delivery.messageId, delivery.recipient, delivery.kind]),
    ]);
  }

  async recordSetAside(entries: readonly SetAside[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query('INSERT IGNORE INTO set_aside (id, recipient, kind, reason) VALUES ?', [
      entries.map((entry) => [entry.id, entry.recipient.slice(0, 254), entry.kind, entry.reason]),
    ]);
  }
}
