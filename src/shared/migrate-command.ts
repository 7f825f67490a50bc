import mysql from 'mysql2/promise';
import { z } from 'zod';
import { databaseLocation, parseConfig } from './config';
import { loadMigrations, migrate } from './mysql-migrator';

/**
 * A service's `migrate` command: applies the SQL files of its migrations folder to its database, then exits. Run
 * before the service (an init step in k8s) with a user that may change the schema; the service's own user may not.
 */
export async function runMigrateCommand(
  service: string,
  folder: string,
  defaultDatabase: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  try {
    const config = parseConfig(
      z.object({
        ...databaseLocation(defaultDatabase),
        MIGRATION_USER: z.string().min(1),
        MIGRATION_PASSWORD: z.string().min(1),
      }),
      env,
      `${service} migrate`,
    );
    const connection = await mysql.createConnection({
      host: config.DATABASE_HOST,
      port: config.DATABASE_PORT,
      database: config.DATABASE_NAME,
      user: config.MIGRATION_USER,
      password: config.MIGRATION_PASSWORD,
      multipleStatements: true,
    });
    try {
      const applied = await migrate(connection, loadMigrations(folder));
      console.log(applied.length ? `Applied ${applied.join(', ')}` : 'The schema is up to date');
    } finally {
      await connection.end();
    }
  } catch (error) {
    console.error(`${service} migrate failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
