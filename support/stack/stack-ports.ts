import { assertPortFree, freePortOtherThan } from '../lib/free-ports';

/** Every port the stack listens on, and the environment variable that overrides each one in `npm start`. */
export const portVariables = {
  userdata: 'USERDATA_PORT',
  pushEmail: 'PUSH_EMAIL_PORT',
  database: 'DATABASE_PORT',
  kafka: 'KAFKA_PORT',
  kafkaController: 'KAFKA_CONTROLLER_PORT',
  connect: 'CONNECT_PORT',
  smtp: 'SMTP_PORT',
  mailUi: 'MAIL_UI_PORT',
} as const;

export type StackPorts = Record<keyof typeof portVariables, number>;

export const defaultPorts: StackPorts = {
  userdata: 3000,
  pushEmail: 3001,
  database: 33306,
  kafka: 9092,
  kafkaController: 9093,
  connect: 8083,
  smtp: 1025,
  mailUi: 1080,
};

/**
 * The documented ports, each overridable through its variable. A malformed value or a port already in use is an
 * error that names the variable, before anything starts.
 */
export async function documentedPorts(env: NodeJS.ProcessEnv): Promise<StackPorts> {
  const ports = { ...defaultPorts };
  for (const [key, variable] of Object.entries(portVariables) as [keyof StackPorts, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new Error(`${variable}=${raw} is not a port number (1-65535).`);
    }
    ports[key] = port;
  }
  const seen = new Map<number, string>();
  for (const [key, port] of Object.entries(ports) as [keyof StackPorts, number][]) {
    const other = seen.get(port);
    if (other) throw new Error(`${portVariables[key]} and ${other} both ask for port ${port}.`);
    seen.set(port, portVariables[key]);
  }
  for (const [port, variable] of seen) await assertPortFree(port, variable);
  return ports;
}

/** Ports the kernel says are free, for test runs that must not collide with anything. */
export async function freePorts(): Promise<StackPorts> {
  const taken = new Set<number>();
  const ports: Partial<StackPorts> = {};
  for (const key of Object.keys(portVariables) as (keyof StackPorts)[]) {
    ports[key] = await freePortOtherThan(taken);
  }
  return ports as StackPorts;
}
