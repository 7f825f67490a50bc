import { z } from 'zod';

/**
 * Parses environment variables once, at start-up, with a zod schema. A missing or malformed variable stops the
 * service with a message naming it, instead of failing later somewhere deep.
 */
export function parseConfig<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv, service: string): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`${service}: invalid configuration\n${problems.join('\n')}`);
}

export const port = z.coerce.number().int().min(0).max(65_535);
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** Where a service's database is: the same three variables, with the same defaults, for every service and command. */
export function databaseLocation(defaultName: string) {
  return {
    DATABASE_HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_PORT: port.default(3306),
    DATABASE_NAME: z.string().min(1).default(defaultName),
  };
}
