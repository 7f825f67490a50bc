// `npm run migrate`: applies userdata's schema migrations to its database (`clients`), then exits.
import { runMigrateCommand } from '../shared/migrate-command';
import { userdataMigrations } from './data-sources/schema';

void runMigrateCommand('userdata', userdataMigrations, 'clients', process.env);
