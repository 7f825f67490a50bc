import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Delivery, DeliveryLog } from '../repositories/delivery-log';

/** The delivery log in push-email's own database (`push_email.deliveries`), apart from the captured `clients`. */
export class MySqlDeliveryLog implements DeliveryLog {
  constructor(private readonly pool: Pool) {}

  async wasDelivered(id: string): Promise<boolean> {
    const [rows] = await this.pool.execute<RowDataPacket[]>('SELECT 1 FROM deliveries WHERE id = ?', [id]);
    return rows.length > 0;
  }

  async record(delivery: Delivery): Promise<void> {
    await this.pool.execute('INSERT IGNORE INTO deliveries (id, message_id, recipient, kind) VALUES (?, ?, ?, ?)', [
      delivery.id,
      delivery.messageId,
      delivery.recipient,
      delivery.kind,
    ]);
  }
}
