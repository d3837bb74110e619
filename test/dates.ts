// The date matrix: the tests whose outcome depends on the day run again with the clock set to the
// days that broke, or could break, a test written on an ordinary day. The days are the next ones
// of each sort after the real date, so the matrix never goes stale, and each is given as an
// instant in the samples' zone (Europe/Paris):
//   - a month's first day, 00:30: two open reports (the previous month's is final only 24 h
//     after its end), the newest final one two months back;
//   - 29 February, 12:00: the leap day;
//   - the last Sunday of March, 03:30: one hour after the change to summer time (a 23-hour day);
//   - the last Sunday of October, 02:30: the hour that happens twice (a 25-hour day).
// Each day runs the date-sensitive files with MAO_TEST_NOW (test/support/clock.ts), which the
// tests read as "now" and pass to every operator they start (--clock-at).
// `npm run test:dates` (part of `npm test`); `npm run test:dates -- 2027-03-01T00:30:00+01:00`
// runs one given instant.
import { spawnSync } from 'node:child_process';
import { DateTime } from 'luxon';

const ZONE = 'Europe/Paris';
const FILES = [
  'test/integration/quickstart.test.ts',
  'test/integration/controllers-quiet.test.ts',
  'test/e2e/operator-prometheus.test.ts',
];

/** The next day of each sort strictly after `now`, at its local hour. */
export function matrixDays(now: DateTime): { label: string; at: DateTime }[] {
  const local = now.setZone(ZONE);
  const firstOfNextMonth = local.startOf('month').plus({ months: 1 }).set({ hour: 0, minute: 30 });
  let leap = local.startOf('year');
  while (!(leap.isInLeapYear && leap.set({ month: 2, day: 29, hour: 12 }) > local)) leap = leap.plus({ years: 1 });
  const lastSunday = (year: number, month: number): DateTime => {
    const end = DateTime.fromObject({ year, month }, { zone: ZONE }).endOf('month').startOf('day');
    return end.minus({ days: end.weekday % 7 });
  };
  const next = (month: number, hour: number, minute: number): DateTime => {
    for (let year = local.year; ; year++) {
      const at = lastSunday(year, month).set({ hour, minute });
      if (at > local) return at;
    }
  };
  return [
    { label: "a month's first day", at: firstOfNextMonth },
    { label: '29 February', at: leap.set({ month: 2, day: 29, hour: 12, minute: 0 }) },
    { label: 'the change to summer time', at: next(3, 3, 30) },
    { label: 'the change to winter time (first 02:30)', at: next(10, 2, 30) },
  ];
}

function main(): number {
  const given = process.argv.slice(2);
  const days = given.length > 0
    ? given.map((iso) => ({ label: 'given', at: DateTime.fromISO(iso, { setZone: true }) }))
    : matrixDays(DateTime.now());
  const failed: string[] = [];
  for (const { label, at } of days) {
    if (!at.isValid) { process.stderr.write(`test:dates: ${at.invalidExplanation ?? 'not an RFC 3339 instant'}\n`); return 2; }
    const instant = at.toISO({ suppressMilliseconds: true }) ?? '';
    process.stdout.write(`\n::: dates: ${label}, MAO_TEST_NOW=${instant}\n`);
    const run = spawnSync('npx', ['vitest', 'run', '--project', 'integration', '--project', 'e2e', ...FILES], {
      stdio: 'inherit', env: { ...process.env, MAO_TEST_NOW: instant },
    });
    if (run.status !== 0) failed.push(`${label} (${instant})`);
  }
  process.stdout.write(failed.length === 0
    ? `\n::: dates: ${days.length} days passed\n`
    : `\n::: dates: failed on ${failed.join(', ')}\n`);
  return failed.length === 0 ? 0 : 1;
}

if (import.meta.main) process.exitCode = main();
