import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PersonPool } from './person-pool';

describe('PersonPool', () => {
  it('hands each person out once until they are given back, longest idle first', () => {
    const pool = new PersonPool(['ana', 'bo', 'cy']);
    assert.equal(pool.take(), 'ana');
    assert.equal(pool.take(), 'bo');
    pool.give('ana');
    assert.equal(pool.take(), 'cy');
    assert.equal(pool.take(), 'ana');
    assert.equal(pool.take(), undefined, 'everyone has a change in flight');
    assert.equal(pool.available, 0);
    pool.give('bo');
    assert.equal(pool.take(), 'bo');
  });
});
