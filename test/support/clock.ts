// The tests' clock. By default the real one. The date matrix (`npm run test:dates`, part of
// `npm test`) sets MAO_TEST_NOW to an RFC 3339 instant (a month's first day, 29 February, a DST
// change): the tests that depend on the day then read that instant as "now" and move on from it
// at the real pace, and every operator they start runs on the same clock (`--clock-at`,
// MANAGEDAPPS_CLOCK_AT). A test's expectations are derived from this clock, never from a date
// written in the test.
import { clockStartingAt, realClock, type Clock } from '../../src/runtime/index.ts';

function fromEnvironment(): Clock {
  const at = process.env.MAO_TEST_NOW;
  if (at === undefined || at === '') return realClock;
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) throw new Error(`MAO_TEST_NOW=${at} is not an RFC 3339 instant`);
  return clockStartingAt(instant);
}

/** One per test file (module): started when the file loads. */
export const testClock: Clock = fromEnvironment();

/** The test clock's reading, in milliseconds (what `Date.now()` would be on the tested day). */
export const testNow = (): number => testClock.now().getTime();

/** True when the tests run on a shifted clock (the date matrix). */
export const shiftedClock = (): boolean => testClock !== realClock;

/**
 * The environment and flags that start an operator (`managedapps run`, `npm start`) on the test
 * clock: the instant read at the moment the process is started.
 */
export function operatorClockEnv(): Record<string, string> {
  return shiftedClock() ? { MANAGEDAPPS_CLOCK_AT: testClock.now().toISOString() } : {};
}
export function operatorClockArgs(): string[] {
  return shiftedClock() ? ['--clock-at', testClock.now().toISOString()] : [];
}
