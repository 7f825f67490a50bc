// `npm run migrate`: applies userdata's schema migrations, then exits. A composition root of its own, run before the
// service (an init step in k8s) with a user that may change the schema; the service's user may not.
import mysql from 'mysql2/promise';
import { z } from 'zod';
import { parseConfig, port } from '../shared/config';
import { migrate } from './data-sources/mysql-migrator';

const loadConfig = () =>
  parseConfig(
    z.object({
      DATABASE_HOST: z.string().min(1).default('127.0.0.1'),
      DATABASE_PORT: port.default(3306),
      DATABASE_NAME: z.string().min(1).default('clients'),
      MIGRATION_USER: z.string().min(1),
      MIGRATION_PASSWORD: z.string().min(1),
    }),
    process.env,
    'userdata migrate',
  );

async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await mysql.createConnection({
    host: config.DATABASE_HOST,
    port: config.DATABASE_PORT,
    database: config.DATABASE_NAME,
    user: config.MIGRATION_USER,
    password: config.MIGRATION_PASSWORD,
    multipleStatements: true,
  });
  try {
    const applied = await migrate(connection);
    console.log(applied.length ? `Applied ${applied.join(', ')}` : 'The schema is up to date');
  } finally {
    await connection.end();
  }
}

main().catch((error: unknown) => {
  console.error(`userdata migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
