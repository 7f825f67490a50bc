import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageFor, images } from './images';
import { kafkaVariable } from './kafka-kraft-container';

describe('pinned images', () => {
  it('pins every image to a tag, never to latest', () => {
    for (const [name, image] of Object.entries(images)) {
      assert.match(image.pinned, /^[\w./-]+:[\w.-]+$/, name);
      assert.doesNotMatch(image.pinned, /:latest$/, name);
    }
  });

  it('takes the variable when it is set, the pin otherwise', () => {
    assert.equal(imageFor('kafka', {}), images.kafka.pinned);
    assert.equal(imageFor('kafka', { CDC_KAFKA_IMAGE: '  ' }), images.kafka.pinned);
    assert.equal(imageFor('kafka', { CDC_KAFKA_IMAGE: 'localhost/k:1' }), 'localhost/k:1');
    assert.equal(imageFor('mysql', { CDC_KAFKA_IMAGE: 'localhost/k:1' }), images.mysql.pinned);
  });

  it('gives every image its own variable', () => {
    const variables = Object.values(images).map((image) => image.variable);
    assert.equal(new Set(variables).size, variables.length);
  });
});

describe('KAFKA_ variables of the apache/kafka image', () => {
  it('spell . as _, _ as __ and - as ___', () => {
    assert.equal(kafkaVariable('process.roles'), 'KAFKA_PROCESS_ROLES');
    assert.equal(kafkaVariable('log.dirs'), 'KAFKA_LOG_DIRS');
    assert.equal(kafkaVariable('some_prop.with-dash'), 'KAFKA_SOME__PROP_WITH___DASH');
  });
});
