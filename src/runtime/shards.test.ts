import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { bucketOf, bucketsWon, fnv1a32, leaseNameOf, rendezvousWinner, shardSelector, ShardSet, shardValue, unlabelledSelector } from './shards.ts';

const logger = pino({ level: 'silent' });

describe('fnv1a32 and bucketOf: a stable hash of the namespace', () => {
  // The FNV reference test vectors (Noll, "FNV-1a 32 bit"): "" → 0x811c9dc5 (the offset basis), "a" → 0xe40c292c, "foobar" → 0xbf9cf968.
  it.each([['', 0x811c9dc5], ['a', 0xe40c292c], ['foobar', 0xbf9cf968]])('fnv1a32(%j)', (input, hash) => {
    expect(fnv1a32(input)).toBe(hash);
  });

  it('is the hash modulo the count', () => {
    // 0xe40c292c ends in 0x2c = 44 = 5 × 8 + 4: bucket 4 of 8. 0xbf9cf968 = 3,214,735,720, which ends in 0: bucket 0 of 10.
    expect(bucketOf('a', 8)).toBe(4);
    expect(bucketOf('foobar', 10)).toBe(0);
    // One bucket: everything in 0.
    expect(bucketOf('anything', 1)).toBe(0);
  });

  it('refuses a count that is not a positive integer', () => {
    expect(() => bucketOf('a', 0)).toThrow(/positive integer/);
    expect(() => bucketOf('a', 1.5)).toThrow(/positive integer/);
  });
});

describe('rendezvous assignment of buckets to live members', () => {
  const members = ['operator-0', 'operator-1', 'operator-2'];

  it('gives each bucket to exactly one member, whatever the order of the list', () => {
    const won = members.map((m) => bucketsWon(m, 64, members));
    expect(won.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, k) => k));
    for (let k = 0; k < 64; k++) expect(rendezvousWinner(k, [...members].reverse())).toBe(rendezvousWinner(k, members));
  });

  it('moves only the buckets of a member that leaves, and only to one that joins', () => {
    const before = new Map(Array.from({ length: 64 }, (_, k) => [k, rendezvousWinner(k, members)]));
    const left = members.filter((m) => m !== 'operator-1');
    for (let k = 0; k < 64; k++) {
      const now = rendezvousWinner(k, left);
      if (before.get(k) !== 'operator-1') expect(now).toBe(before.get(k));
      else expect(left).toContain(now);
    }
    const joined = [...members, 'operator-3'];
    for (let k = 0; k < 64; k++) {
      const now = rendezvousWinner(k, joined);
      if (now !== 'operator-3') expect(now).toBe(before.get(k));
    }
    // The newcomer takes a share: not nothing.
    expect(bucketsWon('operator-3', 64, joined).length).toBeGreaterThan(0);
  });

  it('spreads 256 buckets over 3 members within a third ± 40 %', () => {
    // A third of 256 is 85.3; ± 40 % is 51 to 119 (a deterministic input: the same figures on every run).
    for (const m of members) {
      const n = bucketsWon(m, 256, members).length;
      expect(n).toBeGreaterThanOrEqual(51);
      expect(n).toBeLessThanOrEqual(119);
    }
  });

  it('has no winner without members', () => {
    expect(rendezvousWinner(0, [])).toBeUndefined();
  });
});

describe('shard labels and selectors', () => {
  it('names the count in the value', () => {
    expect(shardValue(3, 8)).toBe('3-of-8');
  });

  it('selects the held buckets, or nothing', () => {
    expect(shardSelector('managedapps.dev/shard', [5, 0, 5], 8)).toBe('managedapps.dev/shard in (0-of-8,5-of-8)');
    expect(shardSelector('managedapps.dev/shard', [], 8)).toBe('managedapps.dev/shard in (none)');
  });

  it('selects what has no label of this count', () => {
    expect(unlabelledSelector('managedapps.dev/shard', 3)).toBe('managedapps.dev/shard notin (0-of-3,1-of-3,2-of-3)');
  });

  it('makes lease names of identities', () => {
    expect(leaseNameOf('mao-member-', 'operator-7d9f-x2')).toBe('mao-member-operator-7d9f-x2');
    expect(leaseNameOf('mao-member-', 'My_Host.local_123')).toBe('mao-member-my-host.local-123');
  });
});

describe('ShardSet: what is cached, what is reconciled', () => {
  const set = (): ShardSet => new ShardSet({ count: 4, labelKey: 'managedapps.dev/shard', logger });
  // bucketOf('a', 4): 0x2c = 44 = 11 × 4: bucket 0. bucketOf('foobar', 4): 0x68 = 104 = 26 × 4: bucket 0 too; 'b' is 0xe70c2de5, 0xe5 = 229 = 57 × 4 + 1: bucket 1.
  it('admits and reconciles only the buckets acquired, and says so in its label selector', async () => {
    const s = set();
    expect(bucketOf('a', 4)).toBe(0);
    expect(bucketOf('b', 4)).toBe(1);
    expect(s.admits('a')).toBe(false);
    expect(s.enter('a')).toBeUndefined();
    const activated: string[] = [];
    s.onActivate((admits) => { activated.push(['a', 'b'].filter(admits).join(',')); });
    expect(await s.acquire(0, new AbortController().signal)).toBe(true);
    expect(s.admits('a')).toBe(true);
    expect(s.admits('b')).toBe(false);
    expect(s.enter('b')).toBeUndefined();
    expect(s.enter('a')).toBeTypeOf('function');
    expect(activated).toEqual(['a']);
    expect(s.labelSelector()).toBe('managedapps.dev/shard in (0-of-4)');
    expect(s.labelsOf('b')).toEqual({ 'managedapps.dev/shard': '1-of-4' });
  });

  it('releases a bucket only after the reconciles in flight on it have ended, refusing new ones meanwhile', async () => {
    const s = set();
    await s.acquire(0, new AbortController().signal);
    const leave = s.enter('a');
    let released = false;
    const release = s.release(0).then(() => { released = true; });
    await Promise.resolve();
    // Draining: no new reconcile, still cached (the Lease is not released before the drain).
    expect(s.enter('a')).toBeUndefined();
    expect(s.admits('a')).toBe(true);
    expect(released).toBe(false);
    leave?.();
    await release;
    expect(released).toBe(true);
    expect(s.admits('a')).toBe(false);
    expect(s.labelSelector()).toBe('managedapps.dev/shard in (none)');
  });

  it('bumps its version at every change (the informers relist from it)', async () => {
    const s = set();
    const v0 = s.version();
    await s.acquire(1, new AbortController().signal);
    await s.release(1);
    expect(s.version()).toBe(v0 + 2);
  });
});

describe('ShardSet: a namespace with unlabelled objects waits for them', () => {
  it('refuses its reconciles until the labeller\'s caches hold none of it, then enqueues it', async () => {
    const s = new ShardSet({ count: 4, labelKey: 'managedapps.dev/shard', logger });
    const unlabelled = new Set(['a']);
    s.setUnlabelled((ns) => unlabelled.has(ns));
    const enqueued: boolean[] = [];
    s.onActivate((admits) => { enqueued.push(admits('a')); });
    await s.acquire(0, new AbortController().signal);
    // bucketOf('a', 4) is 0 (0xe40c292c: 0x2c = 44 = 11 × 4): active, but 'a' has an unlabelled object.
    expect(s.enter('a')).toBeUndefined();
    unlabelled.delete('a');
    s.labelled('a');
    expect(s.enter('a')).toBeTypeOf('function');
    // Once at the activation (bucket 0: 'a' admitted), once when 'a' was whole.
    expect(enqueued).toEqual([true, true]);
  });
});
