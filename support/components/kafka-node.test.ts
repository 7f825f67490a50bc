import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  kafkaBrokersFromEnv,
  kafkaNodeSettings,
  kafkaReplication,
  replicatedKafkaSettings,
  singleNodeKafkaSettings,
} from './kafka-node';

describe('kafkaReplication', () => {
  it('keeps three copies once there are three brokers, two of them needed in sync', () => {
    const byBrokers = [1, 2, 3, 5].map((brokers) => [brokers, kafkaReplication(brokers)]);
    assert.deepEqual(byBrokers, [
      [1, { replicationFactor: 1, minInSyncReplicas: 1 }],
      [2, { replicationFactor: 2, minInSyncReplicas: 1 }],
      [3, { replicationFactor: 3, minInSyncReplicas: 2 }],
      [5, { replicationFactor: 3, minInSyncReplicas: 2 }],
    ]);
  });

  it('leaves a broker that may be down: fewer in sync than copies, except on one broker', () => {
    for (const brokers of [2, 3, 4, 7]) {
      const { replicationFactor, minInSyncReplicas } = kafkaReplication(brokers);
      assert.ok(minInSyncReplicas < replicationFactor, `${brokers} brokers`);
      assert.ok(replicationFactor <= brokers, `${brokers} brokers`);
    }
  });

  it('refuses a cluster without brokers', () => {
    assert.throws(() => kafkaReplication(0), /1 broker or more, not 0/);
    assert.throws(() => kafkaReplication(2.5), /not 2.5/);
  });
});

describe('replicatedKafkaSettings', () => {
  it('sets the replication of new topics and of the internal ones', () => {
    assert.deepEqual(replicatedKafkaSettings(3), {
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'share.coordinator.state.topic.replication.factor': '3',
      'share.coordinator.state.topic.min.isr': '2',
    });
  });

  it('is what the single node of every environment has, for one broker', () => {
    for (const [property, value] of Object.entries(replicatedKafkaSettings(1))) {
      assert.equal(singleNodeKafkaSettings[property], value, property);
    }
  });
});

describe('singleNodeKafkaSettings', () => {
  it('stays what the native and containers environments run', () => {
    assert.deepEqual(singleNodeKafkaSettings, {
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.listener.names': 'CONTROLLER',
      'num.partitions': '1',
      'default.replication.factor': '1',
      'min.insync.replicas': '1',
      'offsets.topic.replication.factor': '1',
      'offsets.topic.num.partitions': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'transaction.state.log.num.partitions': '1',
      'share.coordinator.state.topic.replication.factor': '1',
      'share.coordinator.state.topic.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
      'auto.create.topics.enable': 'true',
    });
  });
});

describe('kafkaNodeSettings', () => {
  it('gives each node of a cluster its own id and the cluster its replication', () => {
    const second = kafkaNodeSettings(2, 3);
    assert.equal(second['node.id'], '2');
    assert.equal(second['process.roles'], 'broker,controller');
    assert.deepEqual(
      Object.fromEntries(Object.keys(replicatedKafkaSettings(3)).map((key) => [key, second[key]])),
      replicatedKafkaSettings(3),
    );
  });
});

describe('CDC_KAFKA_BROKERS', () => {
  it('is one broker unset or empty, and the count it names from 1 to 5', () => {
    assert.equal(kafkaBrokersFromEnv({}), 1);
    assert.equal(kafkaBrokersFromEnv({ CDC_KAFKA_BROKERS: ' ' }), 1);
    assert.equal(kafkaBrokersFromEnv({ CDC_KAFKA_BROKERS: '3' }), 3);
    assert.equal(kafkaBrokersFromEnv({ CDC_KAFKA_BROKERS: '5' }), 5);
  });

  it('refuses what is not a count it runs, saying what is', () => {
    for (const raw of ['0', '6', 'three', '2.5']) {
      assert.throws(() => kafkaBrokersFromEnv({ CDC_KAFKA_BROKERS: raw }), /use 1 \(the default\) to 5/, raw);
    }
  });
});
