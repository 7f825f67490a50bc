import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Network, type StartedNetwork } from 'testcontainers';
import { connectorConfig } from '../../components/debezium-connector';
import { freePort } from '../../lib/free-ports';
import { connectImageFor } from './connect-image';
import { DebeziumConnectContainer, type StartedDebeziumConnectContainer } from './debezium-connect-container';
import { imageFor } from './images';
import { KafkaKraftContainer, type StartedKafkaKraftContainer } from './kafka-kraft-container';

/**
 * The Connect image and DebeziumConnectContainer on their own, in the containers environment only (the podman stage
 * of .ci/run, or CDC_ENVIRONMENT=containers with Docker): both Debezium plugins load, whatever database the specs
 * run on, and a refused configuration is reported with the fields Connect finds wrong.
 */
const skip = process.env.CDC_ENVIRONMENT === 'containers' ? false : 'runs with CDC_ENVIRONMENT=containers';

describe('DebeziumConnectContainer', { skip, timeout: 300_000 }, () => {
  let network: StartedNetwork;
  let kafka: StartedKafkaKraftContainer;
  let connect: StartedDebeziumConnectContainer;

  before(async () => {
    network = await new Network().start();
    const labels = { 'cdc-harness': 'true' };
    kafka = await new KafkaKraftContainer(imageFor('kafka', process.env), await freePort())
      .withExposedPorts(9092)
      .withNetwork(network)
      .withBrokerAlias('kafka')
      .withLabels(labels)
      .start();
    connect = await new DebeziumConnectContainer(await connectImageFor(process.env, () => {}))
      .withExposedPorts(9092)
      .withNetwork(network)
      .withBootstrapServers(kafka.getInternalBootstrap())
      .withWorkerProperty('offset.flush.interval.ms', '1000')
      .withLabels(labels)
      .start();
  });

  after(async () => {
    await connect?.stop();
    await kafka?.stop();
    await network?.stop();
  });

  it('loads the Debezium MySQL and MariaDB connectors', async () => {
    await connect.assertPlugin('mysql');
    await connect.assertPlugin('mariadb');
  });

  it('reports a configuration Connect refuses, naming the field', async () => {
    const config = connectorConfig({
      connector: 'mysql',
      databaseHost: 'mysql',
      databasePort: 3306,
      user: 'debezium',
      password: 'unused',
      kafkaBootstrap: kafka.getInternalBootstrap(),
    });
    await assert.rejects(
      connect.registerConnector({ ...config, 'snapshot.mode': 'sometimes' }),
      // Connect 4.3 answers 500 rather than 400 here (KAFKA-20693); the harness asks which fields are wrong.
      /refused the connector config \((400|500)\).*Invalid fields:\n {2}snapshot\.mode: /s,
    );
  });
});
