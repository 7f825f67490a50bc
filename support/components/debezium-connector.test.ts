import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changeTopic, connectorConfig } from './debezium-connector';

const config = connectorConfig({
  connector: 'mariadb',
  databaseHost: 'db',
  databasePort: 3306,
  user: 'debezium',
  password: 's3cret',
  kafkaBootstrap: 'kafka:9092',
});

describe('connectorConfig', () => {
  it('captures clients.users only', () => {
    assert.equal(config['database.include.list'], 'clients');
    assert.equal(config['table.include.list'], 'clients\\.users');
  });

  it('routes exactly the table topic to cdc.info-user', () => {
    const regex = new RegExp(`^${config['transforms.route.regex']}$`);
    assert.ok(regex.test(`${config['topic.prefix']}.clients.users`));
    assert.ok(!regex.test(config['notification.sink.topic.name'] ?? ''));
    assert.equal(config['transforms.route.replacement'], changeTopic);
    assert.equal(changeTopic, 'cdc.info-user');
  });

  it('polls with low latency unless told otherwise', () => {
    assert.ok(Number(config['poll.interval.ms']) <= 50);
    const slow = connectorConfig({
      connector: 'mariadb',
      databaseHost: 'db',
      databasePort: 3306,
      user: 'u',
      password: 'p',
      kafkaBootstrap: 'k:9092',
      pollIntervalMs: 500,
    });
    assert.equal(slow['poll.interval.ms'], '500');
  });

  it('uses the 3.x property names, not the removed 1.x ones', () => {
    for (const removed of [
      'database.server.name',
      'database.history.kafka.bootstrap.servers',
      'database.history.kafka.topic',
    ]) {
      assert.equal(config[removed], undefined, removed);
    }
    assert.ok(config['topic.prefix']);
    assert.ok(config['schema.history.internal.kafka.topic']);
  });

  it('names the connector class and the ssl mode in the spelling of each connector', () => {
    assert.equal(config['connector.class'], 'io.debezium.connector.mariadb.MariaDbConnector');
    assert.equal(config['database.ssl.mode'], 'disable');
    const mysql = connectorConfig({
      connector: 'mysql',
      databaseHost: 'db',
      databasePort: 3306,
      user: 'u',
      password: 'p',
      kafkaBootstrap: 'k:9092',
    });
    assert.equal(mysql['connector.class'], 'io.debezium.connector.mysql.MySqlConnector');
    assert.equal(mysql['database.ssl.mode'], 'disabled');
  });
});
