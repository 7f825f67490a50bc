import { loadConfig } from '../src/push-email/config';

/**
 * push-email's configuration as its defaults make it, as the stacks the harness starts run it: its SMTP pool, the
 * captured table it accepts, the domain of its Message-IDs. The benchmark's baselines and bookkeeping take them from
 * here, so that they cannot drift from push-email's.
 */
export const pushEmailDefaults = loadConfig({
  KAFKA_BROKERS: '127.0.0.1:9092',
  SMTP_HOST: '127.0.0.1',
  DATABASE_USER: 'unused',
  DATABASE_PASSWORD: 'unused',
});
