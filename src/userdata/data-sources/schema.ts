import { join } from 'node:path';

/** userdata's versioned schema: the SQL files its migrate command, the harness and k8s apply. */
export const userdataMigrations = join(__dirname, 'migrations');
