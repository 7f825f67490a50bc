import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Delivery, DeliveryLog, PastOutcome, SetAside } from '../repositories/delivery-log';

/** The delivery log in push-email's own database (`push_email`), apart from the captured `clients`. */
export class MySqlDeliveryLog implements DeliveryLog {
  constructor(private readonly pool: Pool) {}

  async outcomeOf(id: string): Promise<PastOutcome> {
    // Sent wins over set aside: a dead letter replayed after its cause was fixed may have been sent since.
    const [rows] = await this.pool.execute<RowDataPacket[]>(
      'SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = ?) AS sent, EXISTS (SELECT 1 FROM set_aside WHERE id = ?) AS setAside',
      [id, id],
    );
    if (rows[0]?.sent) return 'sent';
    return rows[0]?.setAside ? 'set-aside' : undefined;
  }

  async record(delivery: Delivery): Promise<void> {
    await this.pool.execute('INSERT IGNORE INTO deliveries (id, message_id, recipient, kind) VALUES (?, ?, ?, ?)', [
      delivery.id,
      delivery.messageId,
      delivery.recipient,
      delivery.kind,
    ]);
  }

  async recordSetAside(entries: readonly SetAside[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query('INSERT IGNORE INTO set_aside (id, recipient, kind, reason) VALUES ?', [
      entries.map((entry) => [entry.id, entry.recipient.slice(0, 254), entry.kind, entry.reason]),
    ]);
  }
}
