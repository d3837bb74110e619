import { describe, expect, it } from 'vitest';
import { namespaceNameError, parseLabelSelector } from './namespaces.ts';

describe('parseLabelSelector: the API server\'s label selector grammar', () => {
  it.each([
    ['team=ops', [{ key: 'team', operator: 'In', values: ['ops'] }]],
    ['team==ops', [{ key: 'team', operator: 'In', values: ['ops'] }]],
    ['team != ops', [{ key: 'team', operator: 'NotIn', values: ['ops'] }]],
    ['team=', [{ key: 'team', operator: 'In', values: [''] }]],
    ['managedapps.dev/tenant in (acme, globex)', [{ key: 'managedapps.dev/tenant', operator: 'In', values: ['acme', 'globex'] }]],
    ['tier notin (a),managed', [{ key: 'tier', operator: 'NotIn', values: ['a'] }, { key: 'managed', operator: 'Exists', values: [] }]],
    ['!legacy, team=ops', [{ key: 'legacy', operator: 'DoesNotExist', values: [] }, { key: 'team', operator: 'In', values: ['ops'] }]],
  ])('%s', (selector, requirements) => {
    expect(parseLabelSelector(selector)).toEqual({ requirements });
  });

  it.each([
    ['', /an empty label selector/],
    ['   ', /an empty label selector/],
    ['team=ops,', /an empty requirement/],
    ['a,,b', /an empty requirement/],
    ['team in (a', /unbalanced parentheses/],
    ['team in ()', /a set needs at least one value/],
    ['team > 3', /is not a requirement/],
    ['team=a b', /is not a requirement/],
    ['Bad_Prefix/x=1', /the prefix must be a DNS subdomain/],
    [`${'k'.repeat(64)}=1`, /the name must be 1 to 63/],
    [`team=${'v'.repeat(64)}`, /label value/],
    ['team=-ops', /label value '-ops'/],
  ])('refuses %j', (selector, message) => {
    const parsed = parseLabelSelector(selector);
    expect('error' in parsed ? parsed.error : 'parsed').toMatch(message);
  });
});

describe('namespaceNameError', () => {
  it.each([['acme', undefined], ['a-1', undefined], ['', /empty/], ['Acme', /not a namespace name/], ['-a', /not a namespace name/], ['a'.repeat(64), /at most 63/]])('%j', (name, expected) => {
    const problem = namespaceNameError(name);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});
