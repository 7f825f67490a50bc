import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql, { type Pool } from 'mysql2/promise';
import type { DatabaseEndpoint } from '../../../support/components/environment';
import { startTestDatabase } from '../../../support/service-tests/test-database';
import { MySqlDeliveryLog } from './mysql-delivery-log';

// The delivery log's dedupe rests on the server's INSERT IGNORE and primary key: the same on both servers.
for (const flavour of ['mariadb', 'mysql'] as const) {
  describe(`MySqlDeliveryLog on a private ${flavour === 'mysql' ? 'MySQL' : 'MariaDB'}`, { timeout: 180_000 }, () => {
    let stopServer: (() => Promise<void>) | undefined;
    let database: DatabaseEndpoint;
    let pool: Pool | undefined;
    let log: MySqlDeliveryLog;

    before(async () => {
      ({ database, stop: stopServer } = await startTestDatabase(flavour));
      // push-email's own least-privilege user, on its own database, as main.ts connects.
      pool = mysql.createPool({
        host: database.host,
        port: database.port,
        database: database.pushEmail.name,
        ...database.pushEmail.service,
        connectionLimit: 2,
      });
      log = new MySqlDeliveryLog(pool);
    });

    after(async () => {
      await pool?.end();
      await stopServer?.();
    });

    const delivery = (id: string) => ({
      id,
      messageId: `<${id}@userdata.invalid>`,
      recipient: 'ana@example.test',
      kind: 'welcome',
    });

    const outcomeOf = async (id: string) => (await log.outcomesOf([id])).get(id);

    it('knows a delivery once it is recorded, and only then; a batch in one lookup and one write', async () => {
      const [a, b, f] = ['a'.repeat(64), 'b'.repeat(64), 'f'.repeat(64)];
      assert.equal(await outcomeOf(a), undefined);
      await log.record([delivery(a), delivery(f)]);
      assert.deepEqual([...(await log.outcomesOf([a, b, f, a]))].sort(), [
        [a, 'sent'],
        [f, 'sent'],
      ]);
      assert.deepEqual([...(await log.outcomesOf([]))], []);
    });

    it('knows an email set aside, and that it was sent when a replay sent it after all', async () => {
      const [first, second] = ['d'.repeat(64), 'e'.repeat(64)];
      const setAside = (id: string) => ({
        id,
        recipient: 'ana@example.test',
        kind: 'welcome',
        reason: 'recipient-refused',
      });
      await log.recordSetAside([setAside(first), setAside(second)]);
      await log.recordSetAside([setAside(first)]);
      assert.equal(await outcomeOf(first), 'set-aside');
      await log.record([delivery(first)]);
      assert.equal(await outcomeOf(first), 'sent');
      assert.equal(await outcomeOf(second), 'set-aside');
      const [rows] = await (pool as Pool).query('SELECT reason FROM set_aside WHERE id = ?', [second]);
      assert.deepEqual(rows, [{ reason: 'recipient-refused' }]);
    });

    it('keeps one row when the same delivery is recorded twice', async () => {
      const id = 'c'.repeat(64);
      await log.record([delivery(id)]);
      await log.record([delivery(id), delivery(id)]);
      const [rows] = await (pool as Pool).query('SELECT COUNT(*) AS n FROM deliveries WHERE id = ?', [id]);
      assert.equal((rows as { n: number }[])[0]?.n, 1);
    });

    it("gives push-email's user its own database only: no access to the captured users", async () => {
      await assert.rejects((pool as Pool).query('SELECT * FROM clients.users'), /denied/);
      await assert.rejects((pool as Pool).query('DELETE FROM deliveries'), /denied/);
    });
  });
}
