import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { changeTopicPartitions } from '../../support/components/debezium-connector';
import {
  connectProblems,
  disruptionProblems,
  kafkaProblems,
  replicaProblems,
  spreadProblems,
  topicProblems,
} from './availability';
import { kafkaNodes } from './kafka-nodes';
import type { KubernetesObject } from './kubernetes-schema';
import { container, environmentOf, replicasOf, workload } from './objects';
import { brokersOf, overlays, production } from './overlays';
import { renderOverlay } from './render';

for (const overlay of overlays) {
  describe(`k8s/${overlay.folder}: what runs, how it replicates, what a drain may take`, () => {
    let objects: KubernetesObject[];
    before(async () => {
      objects = await renderOverlay(overlay.folder);
    });
    const brokers = brokersOf(overlay);

    it('runs as many pods of each workload as the overlay says', () => {
      assert.deepEqual(replicaProblems(objects, overlay), []);
    });

    it(`runs ${brokers} Kafka node(s) with the shared settings and replicatedKafkaSettings(${brokers}), each a voter with its own address`, () => {
      assert.deepEqual(kafkaProblems(objects, overlay), []);
    });

    it(`runs Kafka Connect in one group with connectWorkerReplication(${brokers}), its workers reaching each other`, () => {
      assert.deepEqual(connectProblems(objects, overlay), []);
    });

    it('creates the topics with kafkaReplication() copies, and no more push-email consumers than partitions', () => {
      assert.deepEqual(topicProblems(objects, overlay), []);
    });

    it('keeps every workload of several pods up through a drain with a PodDisruptionBudget of its own', () => {
      assert.deepEqual(disruptionProblems(objects, overlay), []);
    });

    it('spreads the pods of every workload of several over nodes', () => {
      assert.deepEqual(spreadProblems(objects, overlay), []);
    });
  });
}

describe('k8s/overlays/production, in numbers', () => {
  let objects: KubernetesObject[];
  before(async () => {
    objects = await renderOverlay(production.folder);
  });

  it('runs three Kafka nodes, nodes 1 to 3, which keep three copies and need two in sync', () => {
    const nodes = kafkaNodes(objects);
    assert.deepEqual(
      nodes.map((node) => node.properties['node.id']),
      ['1', '2', '3'],
    );
    for (const { properties } of nodes) {
      assert.equal(properties['default.replication.factor'], '3');
      assert.equal(properties['min.insync.replicas'], '2');
      assert.equal(
        properties['controller.quorum.voters'],
        '1@kafka-0.kafka-headless:9093,2@kafka-1.kafka-headless:9093,3@kafka-2.kafka-headless:9093',
      );
    }
    assert.equal(nodes[2]?.properties['advertised.listeners'], 'PLAINTEXT://kafka-2.kafka-headless:9092');
  });

  it('runs two Connect workers whose topics have three copies, and creates the topics with three', () => {
    const connect = workload(objects, 'Deployment', 'connect');
    assert.equal(replicasOf(connect), 2);
    assert.equal(
      environmentOf(objects, container(connect.pod, 'connect')).CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR,
      '3',
    );
    const job = workload(objects, 'Job', 'connector-registration');
    const env = environmentOf(objects, container(job.pod, 'create-topics'));
    assert.deepEqual([env.REPLICATION_FACTOR, env.MIN_INSYNC_REPLICAS], ['3', '2']);
  });

  it('runs several push-email consumers, fewer than the partitions of the change topic', () => {
    const consumers = replicasOf(workload(objects, 'Deployment', 'push-email'));
    assert.ok(consumers > 1 && consumers <= changeTopicPartitions, `${consumers} consumers`);
  });

  it('has a PodDisruptionBudget for Kafka, Connect, userdata and push-email', () => {
    const budgets = objects.filter((object) => object.kind === 'PodDisruptionBudget');
    assert.deepEqual(budgets.map((budget) => budget.metadata.name).sort(), [
      'connect',
      'kafka',
      'push-email',
      'userdata',
    ]);
  });
});
