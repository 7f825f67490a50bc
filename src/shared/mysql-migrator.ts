import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection, RowDataPacket } from 'mysql2/promise';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

/** The versioned SQL files `NNNN_description.sql` of a folder, in version order. */
export function loadMigrations(folder: string): Migration[] {
  const migrations = readdirSync(folder)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d+)_([\w-]+)\.sql$/.exec(file);
      if (!match) throw new Error(`Migration file ${file} is not named NNNN_description.sql`);
      const sql = readFileSync(join(folder, file), 'utf8');
      return {
        version: Number(match[1]),
        name: match[2] ?? file,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new Error(`Two migrations have version ${migrations[i]?.version}`);
    }
  }
  return migrations;
}

interface AppliedRow extends RowDataPacket {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order, each recorded once it succeeded.
 * Idempotent: a second run applies nothing. A named lock serialises migrators started together (several replicas),
 * and an applied migration whose file changed since is refused rather than silently diverging.
 * The connection needs `multipleStatements` and DDL rights on the database; a service's own user has neither.
 */
export async function migrate(connection: Connection, migrations: readonly Migration[]): Promise<string[]> {
  // One lock per database: the migrators of different services do not wait for each other.
  const [[lock]] = await connection.query<RowDataPacket[]>(
    "SELECT GET_LOCK(CONCAT('schema_migrations:', DATABASE()), 60) AS locked",
  );
  if (lock?.locked !== 1) throw new Error('Another migration holds the lock for more than 60 s');
  try {
    await connection.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version    INT UNSIGNED NOT NULL PRIMARY KEY,
         name       VARCHAR(200) NOT NULL,
         checksum   CHAR(64)     NOT NULL,
         applied_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
       )`,
    );
    const [rows] = await connection.query<AppliedRow[]>('SELECT version, name, checksum FROM schema_migrations');
    const applied = new Map(rows.map((row) => [row.version, row]));
    const newlyApplied: string[] = [];
    for (const migration of migrations) {
      const previous = applied.get(migration.version);
      if (previous) {
        if (previous.checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.version} (${migration.name}) changed after it was applied: add a new migration instead`,
          );
        }
        continue;
      }
      await connection.query(migration.sql);
      await connection.query('INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      newlyApplied.push(`${String(migration.version).padStart(4, '0')}_${migration.name}`);
    }
    return newlyApplied;
  } finally {
    await connection.query("SELECT RELEASE_LOCK(CONCAT('schema_migrations:', DATABASE()))");
  }
}
