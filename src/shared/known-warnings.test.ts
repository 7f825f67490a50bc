import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silenceKafkajsTimeoutWarning } from './known-warnings';

describe('silenceKafkajsTimeoutWarning', () => {
  it('drops the TimeoutNegativeWarning and hands every other warning to the listeners there were', () => {
    const before = process.listeners('warning');
    const seen: string[] = [];
    const listener = (warning: Error) => seen.push(warning.name);
    process.removeAllListeners('warning');
    process.on('warning', listener);
    try {
      silenceKafkajsTimeoutWarning();
      process.emit('warning', Object.assign(new Error('-1 is a negative number'), { name: 'TimeoutNegativeWarning' }));
      process.emit('warning', Object.assign(new Error('x'), { name: 'DeprecationWarning' }));
      assert.deepEqual(seen, ['DeprecationWarning']);
    } finally {
      process.removeAllListeners('warning');
      for (const restored of before) process.on('warning', restored);
    }
  });
});
