import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it, mock } from 'node:test';
import { Registry } from 'prom-client';
import { pushEmailMigrations } from '../../src/push-email/data-sources/schema';
import { createHealthApp } from '../../src/push-email/transport/http/app';
import { databaseLocation } from '../../src/shared/config';
import { runMigrateCommand } from '../../src/shared/migrate-command';
import { userdataMigrations } from '../../src/userdata/data-sources/schema';
import { createApp } from '../../src/userdata/transport/http/app';
import { changeTopic, deadLetterTopic } from '../../support/components/debezium-connector';
import type { KubernetesObject } from './kubernetes-schema';
import {
  type Container,
  container,
  containerPort,
  environmentOf,
  hostAndPort,
  resolveEndpoint,
  workload,
} from './objects';
import { overlays } from './overlays';
import { renderOverlay } from './render';
import { projectServices, requiredVariables, serviceConfigProblems } from './service-config';

describe("the services' transports", () => {
  it('finds /health and /ready where the probes look: both transports answer them', async () => {
    const userdata = createApp({
      checkDatabase: async () => {},
      logger: { info: () => {}, warn: () => {}, error: () => {} } as never,
    } as never);
    const pushEmail = createHealthApp({ liveness: {}, readiness: {}, metrics: new Registry() });
    for (const app of [userdata, pushEmail]) {
      for (const path of ['/health', '/ready']) assert.equal((await app.request(path)).status, 200, path);
    }
  });
});

for (const overlay of overlays) {
  describe(`k8s/${overlay.folder} and the services' configuration`, () => {
    let objects: KubernetesObject[];
    before(async () => {
      objects = await renderOverlay(overlay.folder);
    });
    const mainContainer = (name: string): Container => container(workload(objects, 'Deployment', name).pod, name);

    for (const service of projectServices) {
      it(`gives ${service.deployment} only variables its schema knows, every required one, and values it accepts`, () => {
        assert.ok(requiredVariables(service.environment).length > 0, 'the schema has required variables to check');
        assert.deepEqual(serviceConfigProblems(objects, service), []);
      });

      it(`listens on all interfaces of the ${service.deployment} pod, on its named container port`, () => {
        const c = mainContainer(service.deployment);
        const config = service.load(environmentOf(objects, c));
        assert.equal(config.http.host, '0.0.0.0', 'the default 127.0.0.1 is unreachable from the Service');
        assert.equal(containerPort(c, 'http'), config.http.port);
        const { containerPort: behindService } = resolveEndpoint(objects, service.deployment, config.http.port);
        assert.equal(behindService, config.http.port);
      });

      it(`probes ${service.deployment}'s /ready and /health on its http port`, () => {
        const c = mainContainer(service.deployment);
        assert.deepEqual(c.readinessProbe?.httpGet, { path: '/ready', port: 'http' });
        assert.deepEqual(c.livenessProbe?.httpGet, { path: '/health', port: 'http' });
      });
    }

    it('points both services at the mysql Service, and push-email at kafka, maildev and the topics', () => {
      for (const name of ['userdata', 'push-email']) {
        const env = environmentOf(objects, mainContainer(name));
        assert.equal(env.DATABASE_HOST, 'mysql');
        assert.equal(
          resolveEndpoint(objects, 'mysql', Number(env.DATABASE_PORT)).workload.object.metadata.name,
          'mysql',
        );
      }
      const env = environmentOf(objects, mainContainer('push-email'));
      for (const broker of (env.KAFKA_BROKERS ?? '').split(',')) {
        assert.equal(resolveEndpoint(objects, ...hostAndPort(broker)).workload.object.metadata.name, 'kafka');
      }
      const smtp = resolveEndpoint(objects, env.SMTP_HOST ?? '', Number(env.SMTP_PORT));
      assert.equal(smtp.workload.object.metadata.name, 'maildev');
      assert.equal(env.KAFKA_TOPIC, changeTopic);
      assert.equal(env.KAFKA_DLQ_TOPIC, deadLetterTopic);
    });

    it('starts each service with its compiled entry point, and migrates first with its own migrate command', () => {
      for (const name of ['userdata', 'push-email']) {
        const pod = workload(objects, 'Deployment', name).pod;
        assert.deepEqual(container(pod, name).command, ['node', `/app/dist/${name}/main.js`]);
        assert.deepEqual(container(pod, 'migrate').command, ['node', `/app/dist/${name}/migrate.js`]);
        for (const file of ['main', 'migrate']) {
          assert.ok(existsSync(join(__dirname, '..', '..', 'src', name, `${file}.ts`)), `src/${name}/${file}.ts`);
        }
      }
    });

    it("gives each migrate init container exactly what the migrate command reads, and the migrator's password", async () => {
      const required = parseMissing(await migrateOutcome(userdataMigrations, {}));
      assert.deepEqual(required.sort(), ['MIGRATION_PASSWORD', 'MIGRATION_USER']);
      const known = new Set([...Object.keys(databaseLocation('clients')), ...required]);
      for (const [name, migrations, user] of [
        ['userdata', userdataMigrations, 'userdata_migrator'],
        ['push-email', pushEmailMigrations, 'push_email_migrator'],
      ] as const) {
        const env = environmentOf(objects, container(workload(objects, 'Deployment', name).pod, 'migrate'));
        assert.deepEqual(
          Object.keys(env).filter((variable) => !known.has(variable)),
          [],
          `${name}: variables migrate does not read`,
        );
        assert.equal(env.MIGRATION_USER, user);
        assert.deepEqual(env.DATABASE_NAME, environmentOf(objects, mainContainer(name)).DATABASE_NAME);
        // The real command, with the rendered variables, gets past its configuration to the connection (refused here).
        const outcome = await migrateOutcome(migrations, { ...env, DATABASE_HOST: '127.0.0.1', DATABASE_PORT: '1' });
        assert.doesNotMatch(outcome, /invalid configuration/);
        assert.match(outcome, /ECONNREFUSED/);
      }
    });
  });
}

/** Runs a migrate command in this process, its exit and console stubbed: what it printed to stderr. */
async function migrateOutcome(folder: string, env: NodeJS.ProcessEnv): Promise<string> {
  const printed: string[] = [];
  const exit = mock.method(process, 'exit', (() => undefined) as never);
  const error = mock.method(console, 'error', (...parts: unknown[]) => {
    printed.push(parts.join(' '));
  });
  const log = mock.method(console, 'log', () => {});
  try {
    await runMigrateCommand('migrate', folder, 'database', env);
  } finally {
    exit.mock.restore();
    error.mock.restore();
    log.mock.restore();
  }
  return printed.join('\n');
}

/** The variables an "invalid configuration" message names. */
function parseMissing(message: string): string[] {
  assert.match(message, /invalid configuration/);
  return [...message.matchAll(/^\s+([A-Z0-9_]+):/gm)].map((match) => match[1] as string);
}
