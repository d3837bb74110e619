import { describe, expect, it } from 'vitest';
import { REPORT_RULES } from './report.ts';
import { differences, FIRST_PREVIOUS, nextMonth, previousMonth, sealDocument, sealOf, verifyChain, type StoredReport } from './seal.ts';

// A small report status: the reconciliation's fields (conditions, observedGeneration) and a seal
// are not content; keys are written out of order to show the canonical sort.
const octoberStatus = {
  period: { month: '2026-10' },
  observedGeneration: 3,
  final: true,
  conditions: [{ type: 'Final', status: 'True', lastTransitionTime: '2026-11-02T00:00:00Z' }],
  credits: { total: 12.5 },
  seal: { sha256: 'ignored', previous: 'ignored' },
};
// The canonical document (RFC 8785: keys sorted by UTF-16 code unit, no whitespace):
const OCTOBER_DOCUMENT = '{"previous":"","report":{"credits":{"total":12.5},"final":true,"period":{"month":"2026-10"}}}';
// printf '%s' '{"previous":"","report":{"credits":{"total":12.5},"final":true,"period":{"month":"2026-10"}}}' | sha256sum
const OCTOBER_SHA256 = 'a82e64ab2e4a5dfc024f72b598f0bd7fe528ac1d68ed6636913f07748fbfa5d8';

const novemberStatus = { period: { month: '2026-11' }, final: true, credits: { total: 10 } };
// printf '%s' '{"previous":"a82e64ab…a5d8","report":{"credits":{"total":10},"final":true,"period":{"month":"2026-11"}}}' | sha256sum
const NOVEMBER_SHA256 = '86c0dcefd2c365f718b2064d6827f56ea87e8ce519146a70a3ed4436c3983321';

describe('seal (RFC 8785 canonical form, SHA-256, chained)', () => {
  it('hashes the canonical form of the content, without conditions, observedGeneration or the seal', () => {
    expect(sealDocument(octoberStatus, FIRST_PREVIOUS)).toBe(OCTOBER_DOCUMENT);
    expect(sealOf(octoberStatus, FIRST_PREVIOUS)).toEqual({ sha256: OCTOBER_SHA256, previous: '' });
  });

  it('chains a month with the previous month\'s sha256', () => {
    expect(sealOf(novemberStatus, OCTOBER_SHA256)).toEqual({ sha256: NOVEMBER_SHA256, previous: OCTOBER_SHA256 });
  });

  it('serializes numbers as ECMAScript does (RFC 8785 §3.2.2.3)', () => {
    // printf '%s' '{"previous":"","report":{"n":[1e+21,0.000001,1e-7,100,12]}}' | sha256sum
    expect(sealDocument({ n: [1e21, 0.000001, 1e-7, 100.0, 12.0] }, '')).toBe('{"previous":"","report":{"n":[1e+21,0.000001,1e-7,100,12]}}');
    expect(sealOf({ n: [1e21, 0.000001, 1e-7, 100.0, 12.0] }, '').sha256).toBe('1214b55d2f5666c839071954d3a6fcb3e128d2a936ba4a08130cb52ffd0826cb');
  });

  it('does not depend on key order, and any new field is sealed', () => {
    const reordered = { credits: { total: 12.5 }, final: true, period: { month: '2026-10' } };
    expect(sealOf(reordered, '').sha256).toBe(OCTOBER_SHA256);
    expect(sealOf({ ...reordered, ledger: { used: 3 } }, '').sha256).not.toBe(OCTOBER_SHA256);
  });

  it.each([
    ['2026-01', '2025-12', '2026-02'],
    ['2026-12', '2026-11', '2027-01'],
    ['2026-10', '2026-09', '2026-11'],
  ])('months around %s', (m, before, after) => {
    expect(previousMonth(m)).toBe(before);
    expect(nextMonth(m)).toBe(after);
  });
});

describe('differences', () => {
  it('names the field, matching named items by name', () => {
    const sealed = { gtr: { incidents: [{ name: 'inc-2', late: false }, { name: 'inc-1', late: true }] }, credits: { total: 30 } };
    const recomputed = { gtr: { incidents: [{ name: 'inc-1', late: false }, { name: 'inc-2', late: false }, { name: 'inc-3', late: false }] }, credits: { total: 30 } };
    expect(differences(sealed, recomputed)).toEqual([
      'gtr.incidents[inc-1].late: sealed true, recomputed false',
      'gtr.incidents[inc-3]: sealed absent, recomputed present',
    ]);
  });
  it('a field on one side only is absent on the other', () => {
    expect(differences({ a: 1 }, { a: 1, b: 'x' })).toEqual(['b: sealed absent, recomputed x']);
  });
});

describe('verifyChain', () => {
  // Reports computed under this operator's rules (REPORT_RULES), as the controller writes them.
  const october = { ...octoberStatus, rules: REPORT_RULES };
  const november = { ...novemberStatus, rules: REPORT_RULES };
  const octoberSeal = sealOf(october, '').sha256;
  const sealedReports = (): StoredReport[] => {
    const oct = { ...october, seal: sealOf(october, '') };
    const nov = { ...november, seal: sealOf(november, oct.seal.sha256) };
    return [{ month: '2026-11', status: nov }, { month: '2026-10', status: oct }];
  };
  const recompute = (month: string) => (month === '2026-10' ? october : november);

  it('passes a complete chain whose content is what the records give', () => {
    expect(verifyChain({ firstMonth: '2026-10', reports: sealedReports(), recompute })).toEqual({ months: ['2026-10', '2026-11'], findings: [], notes: [] });
  });

  it('a month final before seals existed: content checked, a note, the chain starts again on \'\'', () => {
    // An upgrade: October was finalized by an operator without seals; November chains on '' again.
    const { seal: _none, ...legacy } = october;
    const nov = { ...november, seal: sealOf(november, '') };
    const verdict = verifyChain({ firstMonth: '2026-10', reports: [{ month: '2026-10', status: legacy }, { month: '2026-11', status: nov }], recompute });
    expect(verdict.findings).toEqual([]);
    expect(verdict.notes).toEqual([{ month: '2026-10', message: 'final without a seal (finalized before seals existed): content checked, the chain starts again at 2026-11' }]);
    // Its content is still what the records give: a changed number is a difference.
    const altered = verifyChain({ firstMonth: '2026-10', reports: [{ month: '2026-10', status: { ...legacy, credits: { total: 13.5 } } }, { month: '2026-11', status: nov }], recompute });
    expect(altered.findings).toEqual([{ month: '2026-10', message: 'credits.total: sealed 13.5, recomputed 12.5' }]);
    // November chained on October's would-be seal instead of '' is named.
    const chained = { ...november, seal: sealOf(november, OCTOBER_SHA256) };
    expect(verifyChain({ firstMonth: '2026-10', reports: [{ month: '2026-10', status: legacy }, { month: '2026-11', status: chained }], recompute }).findings)
      .toEqual([{ month: '2026-11', message: `seal.previous: sealed ${OCTOBER_SHA256}, the seal of 2026-10 is ''` }]);
  });

  it('a number changed after sealing: the month and the field', () => {
    const [nov, oct] = sealedReports();
    const altered = { ...oct!.status, credits: { total: 13.5 } };
    const { findings } = verifyChain({ firstMonth: '2026-10', reports: [nov!, { month: '2026-10', status: altered }], recompute });
    expect(findings).toEqual([
      { month: '2026-10', message: expect.stringMatching(/^seal\.sha256: sealed [0-9a-f]{64}, the content hashes to [0-9a-f]{64} \(changed after it was sealed\)$/) },
      { month: '2026-10', message: 'credits.total: sealed 13.5, recomputed 12.5' },
    ]);
  });

  it('a month removed: the chain breaks at the next month', () => {
    const [nov] = sealedReports();
    expect(verifyChain({ firstMonth: '2026-10', reports: [nov!], recompute }).findings).toEqual([{ month: '2026-10', message: 'missing, the chain breaks at 2026-11' }]);
  });

  it('a month sealed on another previous: named', () => {
    const [, oct] = sealedReports();
    const nov = { ...november, seal: sealOf(november, '0'.repeat(64)) };
    expect(verifyChain({ firstMonth: '2026-10', reports: [oct!, { month: '2026-11', status: nov }], recompute }).findings).toEqual([
      { month: '2026-11', message: `seal.previous: sealed ${'0'.repeat(64)}, the seal of 2026-10 is ${octoberSeal}` },
    ]);
  });

  it('a month sealed under other rules: its differences are notes; its seal and chain are still checked', () => {
    // October sealed by an operator of rules 1 (no status.rules); the records give 12.5 today but
    // 11 then: a difference of the rules, not a finding. November, of today's rules, chains on it.
    const old = { ...octoberStatus, credits: { total: 11 } };
    const oct = { ...old, seal: sealOf(old, '') };
    const nov = { ...november, seal: sealOf(november, oct.seal.sha256) };
    const verdict = verifyChain({ firstMonth: '2026-10', reports: [{ month: '2026-10', status: oct }, { month: '2026-11', status: nov }], recompute });
    expect(verdict.findings).toEqual([]);
    expect(verdict.notes).toEqual([
      { month: '2026-10', message: `sealed under reporting rules 1, recomputed under rules ${REPORT_RULES}: 1 difference(s) of the rules, not of the records` },
      { month: '2026-10', message: `rules 1 → ${REPORT_RULES}: credits.total: sealed 11, recomputed 12.5` },
    ]);
    // Its seal still guards it: altered after sealing, it is a finding.
    const altered = { ...oct, credits: { total: 10 } };
    expect(verifyChain({ firstMonth: '2026-10', reports: [{ month: '2026-10', status: altered }, { month: '2026-11', status: nov }], recompute }).findings)
      .toEqual([{ month: '2026-10', message: expect.stringMatching(/^seal\.sha256: sealed [0-9a-f]{64}, the content hashes to [0-9a-f]{64} \(changed after it was sealed\)$/) }]);
  });

  it('a month sealed before the monthly pack (rules 2): its seal is unchanged, the pack recomputed today is a note, not a finding', () => {
    // October finalized under rules 2, without status.pack; the controller never writes a final
    // status again, so the stored one keeps its seal:
    // printf '%s' '{"previous":"","report":{"credits":{"total":12.5},"final":true,"period":{"month":"2026-10"},"rules":2}}' | sha256sum
    const before = { period: { month: '2026-10' }, final: true, credits: { total: 12.5 }, rules: 2 };
    const oct = { ...before, seal: { sha256: '0bd74c6ef52c7ae560babb740e854f983808489d00f35acbc4e57eacaf5cd0f7', previous: '' } };
    expect(sealOf(oct, '').sha256).toBe(oct.seal.sha256);
    // Recomputed today (rules 4) the month has a pack: a difference of the rules only.
    const withPack = (month: string) => ({ ...recompute(month), ...(month === '2026-10' ? { pack: { month: '2026-10' } } : {}) });
    const nov = { ...november, seal: sealOf(november, oct.seal.sha256) };
    const verdict = verifyChain({ firstMonth: '2026-10', reports: [{ month: '2026-10', status: oct }, { month: '2026-11', status: nov }], recompute: withPack });
    expect(REPORT_RULES).toBe(4);
    expect(verdict.findings).toEqual([]);
    expect(verdict.notes).toEqual([
      { month: '2026-10', message: 'sealed under reporting rules 2, recomputed under rules 4: 1 difference(s) of the rules, not of the records' },
      { month: '2026-10', message: 'rules 2 → 4: pack: sealed absent, recomputed {"month":"2026-10"}' },
    ]);
  });

  it('a month sealed before the monthly statement (rules 3): its seal is unchanged, the statement recomputed today is a note, not a finding', () => {
    // October finalized under rules 3, without status.statement:
    // printf '%s' '{"previous":"","report":{"credits":{"total":12.5},"final":true,"period":{"month":"2026-10"},"rules":3}}' | sha256sum
    const before = { period: { month: '2026-10' }, final: true, credits: { total: 12.5 }, rules: 3 };
    const oct = { ...before, seal: { sha256: 'aaaf305e88ff381d089db0016a95ef6d94759c459a1aa3152075e674df5ecb58', previous: '' } };
    expect(sealOf(oct, '').sha256).toBe(oct.seal.sha256);
    const withStatement = (month: string) => ({ ...recompute(month), ...(month === '2026-10' ? { statement: { month: '2026-10' } } : {}) });
    const nov = { ...november, seal: sealOf(november, oct.seal.sha256) };
    const verdict = verifyChain({ firstMonth: '2026-10', reports: [{ month: '2026-10', status: oct }, { month: '2026-11', status: nov }], recompute: withStatement });
    expect(verdict.findings).toEqual([]);
    expect(verdict.notes).toEqual([
      { month: '2026-10', message: 'sealed under reporting rules 3, recomputed under rules 4: 1 difference(s) of the rules, not of the records' },
      { month: '2026-10', message: 'rules 3 → 4: statement: sealed absent, recomputed {"month":"2026-10"}' },
    ]);
  });
});
