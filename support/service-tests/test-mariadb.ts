import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseEndpoint } from '../components/environment';
import { startMariaDb } from '../environments/native/mariadb';
import { freePort } from '../lib/free-ports';
import type { ManagedProcess } from '../lib/processes';

/**
 * A private MariaDB of the harness for one integration test file, provisioned and migrated as the stack's is:
 * started in `before`, stopped (and its folder removed) in `after`.
 */
export async function startTestMariaDb(): Promise<{
  database: DatabaseEndpoint;
  process: ManagedProcess;
  stop: () => Promise<void>;
}> {
  const folder = mkdtempSync(join(tmpdir(), 'cdc-mariadb-test-'));
  try {
    const started = await startMariaDb({
      folder,
      port: await freePort(),
      password: {
        migrator: 'm-pass',
        userdata: 'u-pass',
        debezium: 'd-pass',
        pushEmailMigrator: 'pm-pass',
        pushEmail: 'p-pass',
      },
    });
    return {
      database: started.database,
      process: started.process,
      stop: async () => {
        await started.process.stop();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}
