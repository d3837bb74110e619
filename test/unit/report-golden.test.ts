// Golden-file tests of the monthly SLA report (design.md §3): each folder of test/golden holds an
// input.json ({ description, month, now, input: ReportInput with RFC 3339 strings for instants })
// and the expected.json report. A difference fails the test; UPDATE_GOLDEN=1 rewrites expected.json
// (review the diff before committing it).
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeMonthlyReport, type ReportInput } from '../../src/domain/index.ts';

const GOLDEN = join(import.meta.dirname, '..', 'golden');
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const update = process.env.UPDATE_GOLDEN === '1';

interface GoldenInput {
  readonly description: string;
  readonly month: string;
  readonly now: string;
  readonly input: ReportInput;
}

function readInput(path: string): GoldenInput {
  return JSON.parse(readFileSync(path, 'utf8'), (_key, value: unknown) => (typeof value === 'string' && INSTANT.test(value) ? new Date(value) : value)) as GoldenInput;
}

const scenarios = readdirSync(GOLDEN, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('golden monthly reports', () => {
  it('has the scenarios the issue asks for', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(8);
  });

  it.each(scenarios)('%s', (scenario) => {
    const golden = readInput(join(GOLDEN, scenario, 'input.json'));
    const now = golden.now as unknown as Date;
    const report = computeMonthlyReport(golden.input, golden.month, now);
    const actual = `${JSON.stringify(report, null, 2)}\n`;
    const expectedPath = join(GOLDEN, scenario, 'expected.json');
    if (update || !existsSync(expectedPath)) {
      writeFileSync(expectedPath, actual);
      if (!update) throw new Error(`${expectedPath} did not exist: written, review it`);
      return;
    }
    expect(JSON.parse(actual)).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));
  });
});
