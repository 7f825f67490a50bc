import mysql from 'mysql2/promise';
import type { DatabaseEndpoint } from '../support/components/environment';

/**
 * The baseline: single-row UPDATEs driven by mysql2 directly, by `concurrency` connections for `durationMs`, on a
 * copy of the users table that Debezium does not capture (so the baseline sends no emails). Returns updates/second.
 */
export async function rawUpdateRate(
  database: DatabaseEndpoint,
  options: { readonly concurrency: number; readonly durationMs: number; readonly rows: number },
): Promise<number> {
  const ids = await uncapturedCopyOfUsers(database, options.rows);
  const pool = mysql.createPool({
    host: database.host,
    port: database.port,
    database: database.name,
    ...database.userdata,
    connectionLimit: options.concurrency,
  });
  let count = 0;
  const deadline = Date.now() + options.durationMs;
  const started = Date.now();
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async (_, worker) => {
        for (let i = worker; Date.now() < deadline; i += options.concurrency) {
          await pool.execute('UPDATE bench_raw SET address = ? WHERE id = ?', [
            `raw ${i}`,
            ids[i % ids.length] as number,
          ]);
          count++;
        }
      }),
    );
    return (count * 1000) / (Date.now() - started);
  } finally {
    await pool.end();
  }
}

/**
 * `bench_raw`, a copy of the users table that Debezium does not capture, emptied and filled with `rows` rows, so that
 * a baseline's writes send no emails; returns their ids.
 */
export async function uncapturedCopyOfUsers(database: DatabaseEndpoint, rows: number): Promise<number[]> {
  const admin = await mysql.createConnection({
    host: database.host,
    port: database.port,
    database: database.name,
    ...database.migrator,
  });
  try {
    await admin.query('CREATE TABLE IF NOT EXISTS bench_raw LIKE users');
    await admin.query('DELETE FROM bench_raw');
    const values = Array.from({ length: rows }, (_, i) => [`raw ${i}`, `raw${i}@bench.test`, 'raw']);
    await admin.query('INSERT INTO bench_raw (name, email, address) VALUES ?', [values]);
    const [found] = await admin.query('SELECT id FROM bench_raw ORDER BY id');
    return (found as { id: number }[]).map((row) => Number(row.id));
  } finally {
    await admin.end();
  }
}
