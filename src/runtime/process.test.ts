import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { installProcessHandlers } from './process.ts';

describe('installProcessHandlers', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => { uninstall?.(); });

  const setup = (shutdown: () => Promise<void>) => {
    const exits: number[] = [];
    let exited!: () => void;
    const done = new Promise<void>((r) => { exited = r; });
    uninstall = installProcessHandlers({ logger: pino({ level: 'silent' }), shutdown, exit: (code) => { exits.push(code); exited(); } });
    return { exits, done };
  };

  it('ends the process (exit 1) on an unhandled rejection', async () => {
    const { exits, done } = setup(() => Promise.resolve());
    process.emit('unhandledRejection', new Error('nobody caught me'), Promise.resolve());
    await done;
    expect(exits).toEqual([1]);
  });

  it('runs the graceful shutdown once on SIGTERM, then exits 0', async () => {
    let shutdowns = 0;
    let finish!: () => void;
    const { exits, done } = setup(() => { shutdowns++; return new Promise<void>((r) => { finish = r; }); });
    process.emit('SIGTERM', 'SIGTERM');
    expect(shutdowns).toBe(1);
    expect(exits).toEqual([]);
    finish();
    await done;
    expect(exits).toEqual([0]);
  });

  it('exits 1 at once on a second signal during shutdown', () => {
    const { exits } = setup(() => new Promise<void>(() => undefined));
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
  });
});
