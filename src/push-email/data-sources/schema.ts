import { join } from 'node:path';

/** push-email's versioned schema (the delivery log): the SQL files its migrate command, the harness and k8s apply. */
export const pushEmailMigrations = join(__dirname, 'migrations');
