// `npm run migrate:push-email`: applies push-email's schema migrations to its database (`push_email`), then exits.
import { runMigrateCommand } from '../shared/migrate-command';
import { pushEmailMigrations } from './data-sources/schema';

void runMigrateCommand('push-email', pushEmailMigrations, 'push_email', process.env);
