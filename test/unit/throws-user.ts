// Shared by unit tests: run fn and return the UserError it throws (fail otherwise).
import * as assert from 'uvu/assert';
import { UserError } from '../../src/errors.ts';

export function throwsUser(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    assert.instance(err, UserError);
    return err as UserError;
  }
  assert.unreachable('expected a UserError');
  throw new Error('unreachable');
}
