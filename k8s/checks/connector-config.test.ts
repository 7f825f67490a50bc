import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { Kafka } from 'kafkajs';
import { connectorConfig, connectorName, createTopics } from '../../support/components/debezium-connector';
import { connectWorkerProperties } from './image-contracts';
import type { KubernetesObject } from './kubernetes-schema';
import { configMapData, container, environmentOf, hostAndPort, resolveEndpoint, workload } from './objects';
import { overlays } from './overlays';
import { renderOverlay } from './render';
import {
  connectFolder,
  connectorFiles,
  connectSecretsFolder,
  debeziumPasswordKey,
  debeziumPasswordReference,
  k8sConnectorSettings,
  k8sTopics,
  schemaHistoryTopic,
  topicLine,
} from './render-connector-config';

const job = (objects: readonly KubernetesObject[]) => workload(objects, 'Job', 'connector-registration');

/** The files of the ConfigMap a container of the Job mounts at /etc/connector, by name. */
function registrationFiles(objects: readonly KubernetesObject[]): Record<string, string> {
  const { pod } = job(objects);
  const volume = pod.volumes?.find((v) => v.name === 'connector');
  return configMapData(objects, volume?.configMap?.name ?? '');
}

describe('the connector k8s/ registers', () => {
  it('is committed as render-connector-config.ts writes it from connectorConfig()', () => {
    for (const [name, content] of Object.entries(connectorFiles())) {
      assert.equal(readFileSync(join(connectFolder, name), 'utf8'), content, `regenerate k8s/base/connect/${name}`);
    }
  });

  it("is the harness's MySQL connector, with a reference to the password instead of the password", () => {
    const committed = JSON.parse(readFileSync(join(connectFolder, 'userdata-cdc.json'), 'utf8'));
    assert.deepEqual(committed, connectorConfig({ ...k8sConnectorSettings, password: debeziumPasswordReference }));
    assert.match(
      committed['database.password'] ?? '',
      /^\$\{directory:\/opt\/kafka\/connect-secrets:DEBEZIUM_PASSWORD\}$/,
    );
    assert.equal(committed['connector.class'], 'io.debezium.connector.mysql.MySqlConnector');
  });
});

for (const overlay of overlays) {
  describe(`the connector k8s/${overlay.folder} registers`, () => {
    let objects: KubernetesObject[];
    before(async () => {
      objects = await renderOverlay(overlay.folder);
    });

    it('reaches MySQL and Kafka through their Services', () => {
      const config = connectorConfig(k8sConnectorSettings);
      const database = resolveEndpoint(objects, config['database.hostname'] ?? '', Number(config['database.port']));
      assert.equal(database.workload.object.metadata.name, 'mysql');
      for (const broker of (config['schema.history.internal.kafka.bootstrap.servers'] ?? '').split(',')) {
        assert.equal(resolveEndpoint(objects, ...hostAndPort(broker)).workload.object.metadata.name, 'kafka');
      }
    });

    it('is what the Job mounts and PUTs to connect:8083/connectors/userdata-cdc/config', () => {
      const files = registrationFiles(objects);
      const register = container(job(objects).pod, 'register');
      const env = environmentOf(objects, register);
      assert.equal(env.CONNECTOR_NAME, connectorName);
      const mounted = env.CONNECTOR_CONFIG?.replace(/^\/etc\/connector\//, '') ?? '';
      assert.equal(files[mounted], connectorFiles()['userdata-cdc.json']);
      assert.deepEqual(register.command, ['node', '/etc/connector/register-connector.mjs']);
      assert.equal(
        files['register-connector.mjs'],
        readFileSync(join(connectFolder, 'register-connector.mjs'), 'utf8'),
      );
      const url = new URL(env.CONNECT_URL ?? '');
      assert.equal(resolveEndpoint(objects, url.hostname, Number(url.port)).workload.object.metadata.name, 'connect');
    });

    it("lets Kafka Connect resolve the password from the Secret's DEBEZIUM_PASSWORD, mounted where the reference points", () => {
      const { pod } = workload(objects, 'Deployment', 'connect');
      const mount = container(pod, 'connect').volumeMounts?.find((m) => m.mountPath === connectSecretsFolder);
      const secret = pod.volumes?.find((v) => v.name === mount?.name)?.secret;
      assert.match(secret?.secretName ?? '', /^database-passwords-/);
      assert.deepEqual(secret?.items, [{ key: debeziumPasswordKey, path: debeziumPasswordKey }]);
      const worker = connectWorkerProperties(environmentOf(objects, container(pod, 'connect')));
      const provider = /^\$\{(\w+):/.exec(debeziumPasswordReference)?.[1] ?? '';
      assert.ok(worker['config.providers']?.split(',').includes(provider), `config.providers lacks ${provider}`);
      assert.equal(
        worker[`config.providers.${provider}.class`],
        'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
      );
      assert.equal(worker[`config.providers.${provider}.param.allowed.paths`], connectSecretsFolder);
    });
  });
}

describe('the topics k8s/ creates', () => {
  const created: { topic: string; numPartitions?: number }[] = [];
  before(async () => {
    // createTopics() itself, with a stand-in for the broker: what it asks for is what k8s/ must create.
    const admin = {
      connect: async () => {},
      disconnect: async () => {},
      createTopics: async ({ topics }: { topics: typeof created }) => {
        created.push(...topics);
        return true;
      },
    };
    mock.method(Kafka.prototype, 'admin', () => admin);
    await createTopics(['stand-in:9092']);
  });
  after(() => mock.restoreAll());

  it('are those createTopics() makes, with their partitions, then the schema history as Debezium makes it', () => {
    assert.ok(created.length > 0);
    assert.deepEqual(
      k8sTopics.map(({ topic, partitions }) => ({ topic, partitions })),
      [
        ...created.map(({ topic, numPartitions }) => ({ topic, partitions: numPartitions ?? 1 })),
        { topic: connectorConfig(k8sConnectorSettings)['schema.history.internal.kafka.topic'], partitions: 1 },
      ],
    );
    // KafkaSchemaHistory warns about a topic that compacts or forgets, and needs one partition to keep the order.
    assert.deepEqual(schemaHistoryTopic.config, {
      'cleanup.policy': 'delete',
      'retention.ms': '-1',
      'retention.bytes': '-1',
    });
  });

  for (const overlay of overlays) {
    describe(`by k8s/${overlay.folder}`, () => {
      let objects: KubernetesObject[];
      before(async () => {
        objects = await renderOverlay(overlay.folder);
      });

      it('are in the file the Job reads, on the broker the Job reaches', () => {
        const files = registrationFiles(objects);
        const env = environmentOf(objects, container(job(objects).pod, 'create-topics'));
        const lines = (files[env.TOPICS_FILE?.replace(/^\/etc\/connector\//, '') ?? ''] ?? '')
          .split('\n')
          .filter((line) => line && !line.startsWith('#'));
        assert.deepEqual(lines, k8sTopics.map(topicLine));
        assert.equal(
          resolveEndpoint(objects, ...hostAndPort(env.BOOTSTRAP_SERVERS ?? '')).workload.object.metadata.name,
          'kafka',
        );
      });

      it('are waited for by push-email, so that its subscription cannot auto-create the change topic first', () => {
        const { pod } = workload(objects, 'Deployment', 'push-email');
        assert.equal(pod.initContainers?.[0]?.name, 'wait-for-topic');
        const env = environmentOf(objects, container(pod, 'wait-for-topic'));
        assert.equal(env.TOPIC, created[0]?.topic);
      });
    });
  }
});
