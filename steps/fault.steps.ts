import assert from 'node:assert/strict';
import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import {
  assertEveryAcceptedMoveEmailedOnce,
  assertNoneRefused,
  assertRefusedAsTemporarilyUnavailable,
} from '../support/specs/assertions/fault-recovery';
import { ChangeStream } from '../support/specs/change-stream';
import { componentNames, type StackComponent } from '../support/specs/stack-faults';
import type { CdcWorld } from '../support/specs/world';

defineParameterType({
  name: 'component',
  regexp: new RegExp(Object.keys(componentNames).join('|')),
  transformer: (name: string): StackComponent => componentNames[name] as StackComponent,
});

/** The moves made while a fault hits: a stream must have been started. */
function streamOf(world: CdcWorld): ChangeStream {
  if (!world.stream) throw new Error('No one is moving one after another in this scenario');
  return world.stream;
}

/** Waits until the first third of the stream's moves are answered; the rest wait for the fault (stream.resume()). */
async function aThirdIn(world: CdcWorld): Promise<ChangeStream> {
  const stream = streamOf(world);
  await stream.untilAThirdAnswered();
  return stream;
}

When('they move house one after another', function (this: CdcWorld) {
  this.stream = ChangeStream.start(this.people, this.people.crowd);
});

When(
  '{component} is killed and started again once a third of them have moved',
  { timeout: 120_000 },
  async function (this: CdcWorld, component: StackComponent) {
    const stream = await aThirdIn(this);
    await this.faults.killAndRestart(component, () => stream.resume());
  },
);

When(
  "{component} is frozen for longer than every client's timeouts once a third of them have moved",
  { timeout: 120_000 },
  async function (this: CdcWorld, component: StackComponent) {
    const stream = await aThirdIn(this);
    await this.faults.freezeLongerThanTimeouts(component, () => stream.resume());
  },
);

When(
  'a migration adds a nullable column to the users table once a third of them have moved',
  async function (this: CdcWorld) {
    const stream = await aThirdIn(this);
    this.note(`Column added: ${await this.faults.addColumnToUsers()}`);
    await stream.resume();
  },
);

Then(
  'every move userdata accepted is emailed exactly once, and no move it refused',
  { timeout: 180_000 },
  async function (this: CdcWorld) {
    const stream = streamOf(this);
    await stream.finished;
    await this.pipeline.untilCaughtUp();
    const refused = stream.refused.map(({ person }) => person.name);
    const heldNow = new Map<string, string>();
    for (const name of refused) heldNow.set(name, (await this.people.detailsHeldFor(name)).address);
    this.note(this.faults.recoveryReport());
    assertEveryAcceptedMoveEmailedOnce(stream, this.mail, heldNow, {
      atMostSentTwice: this.faults.duplicateBound,
      // Only a COMMIT in flight when the database went away: one per pooled connection of userdata, at most.
      atMostAppliedDespiteRefusal: 10,
      note: this.note,
      whereCaptured: ({ person, address }) => this.pipeline.whereCaptured(person.name, address),
    });
  },
);

Then('userdata refused no move', function (this: CdcWorld) {
  assertNoneRefused(streamOf(this));
});

Then(
  'while the database was away userdata refused moves as temporarily unavailable, and said it was not ready',
  { timeout: 60_000 },
  async function (this: CdcWorld) {
    await streamOf(this).finished;
    assertRefusedAsTemporarilyUnavailable(streamOf(this), this.faults.readinessDuringOutage);
  },
);

Then('Debezium resumed from where it had got to, without a new snapshot', function (this: CdcWorld) {
  assert.deepEqual(this.pipeline.snapshotReadsAbout(this.people.crowd), [], 'records read by a new snapshot');
});

Then('the connector is still running', async function (this: CdcWorld) {
  await this.faults.assertConnectorRunning();
});

When("Debezium's database password is changed under the connector", async function (this: CdcWorld) {
  await this.faults.changeDebeziumPassword();
});

Then(
  "the connector's task fails, saying the database refused Debezium's login",
  { timeout: 90_000 },
  async function (this: CdcWorld) {
    assert.match(await this.faults.connectorTaskFailure(), /Access denied/i);
  },
);

When(
  "Debezium's password is put back and the connector restarted through Connect's REST API",
  { timeout: 90_000 },
  async function (this: CdcWorld) {
    await this.faults.putBackDebeziumPasswordAndRestartConnector();
  },
);

Given('a second push-email instance shares the change feed', { timeout: 90_000 }, async function (this: CdcWorld) {
  await this.faults.addPushEmailInstance();
  await this.pipeline.untilSharedBy(2);
});

Then('the first push-email instance was still down at the end', function (this: CdcWorld) {
  assert.equal(this.faults.component('push-email').state, 'down', 'the first push-email was started again');
  assert.equal(this.faults.pushEmailInstances[0]?.state, 'running', 'the second push-email is not running');
});

Then(
  'every topic of the pipeline has {int} replicas in sync, and a write needs {int} of them',
  { timeout: 60_000 },
  async function (this: CdcWorld, replicas: number, minInSync: number) {
    assert.equal(this.kafkaCluster.size, replicas, 'Kafka brokers in the stack (CDC_KAFKA_BROKERS)');
    const topics = await this.kafkaCluster.untilEveryPipelineTopicIs(replicas, minInSync);
    this.note(
      topics.map((t) => `${t.topic}: ${t.replicas} replicas, min.insync.replicas ${t.minInSyncReplicas}`).join('\n'),
    );
  },
);

When(
  'the broker leading most of the change topic is killed once a third of them have moved, and stays down',
  { timeout: 60_000 },
  async function (this: CdcWorld) {
    const stream = await aThirdIn(this);
    const leader = await this.kafkaCluster.leaderOfMostChangePartitions();
    this.killedBroker = leader.nodeId;
    await this.faults.killAndLeaveDown(
      leader.broker,
      `Kafka broker ${leader.nodeId} (leading ${leader.partitions} of the change topic's partitions)`,
    );
    await stream.resume();
  },
);

Then('the change topic is led by the brokers left', async function (this: CdcWorld) {
  const leaders = await this.kafkaCluster.changeTopicLeaders();
  const left = Array.from({ length: this.kafkaCluster.size }, (_, index) => index + 1).filter(
    (nodeId) => nodeId !== this.killedBroker,
  );
  assert.ok(leaders.length > 0, 'the change topic has partitions');
  assert.ok(
    leaders.every((leader) => left.includes(leader)),
    `every partition led by one of brokers ${left.join(', ')}; the leaders: ${leaders.join(', ')}`,
  );
});

Given(
  "Debezium's connector hands its changes over a few at a time",
  { timeout: 90_000 },
  async function (this: CdcWorld) {
    await this.faults.connectorHandsOverAFewAtATime();
  },
);

When(
  "a maintenance job touches all of their records in one transaction while the connector is paused for longer than Debezium's binlog keep-alive",
  { timeout: 60_000 },
  async function (this: CdcWorld) {
    const crowd = this.people.crowd;
    this.recordsBeforeJob = this.pipeline.recordCounts(crowd);
    await this.faults.pauseConnectorPastBinlogKeepAlive(() => this.maintenanceJob.touchEachInOneTransaction(crowd));
  },
);

When(
  "the connector's task is restarted once Debezium has read that transaction again",
  { timeout: 90_000 },
  async function (this: CdcWorld) {
    if (!this.recordsBeforeJob) throw new Error('No maintenance job ran in this scenario');
    const twice = await this.pipeline.untilReadAgain(this.people.crowd, this.recordsBeforeJob);
    this.note(
      `${twice} of the transaction's ${this.people.crowd.length} changes captured twice: Debezium read it again.`,
    );
    await this.faults.restartConnectorTask();
  },
);

When('they then move house one after another', function (this: CdcWorld) {
  this.stream = ChangeStream.start(this.people, this.people.crowd, { holdAtAThird: false });
});
