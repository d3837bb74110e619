// Process-level safety the composition root installs once (not on import: no side effects):
//   - an unhandled rejection or uncaught exception is logged and ends the process (exit 1):
//     state is level-based and rebuilt from the API server, so dying is safe, limping is not;
//   - SIGTERM / SIGINT run `shutdown` once (graceful: finish in-flight work, release the lease)
//     then exit 0; a second signal, or `shutdown` exceeding `graceMs`, exits 1 at once.
import type { Logger } from 'pino';

export type ProcessHandlerOptions = {
  logger: Logger;
  shutdown: () => Promise<void>;
  /** Default 30 s (below Kubernetes' default terminationGracePeriodSeconds). */
  graceMs?: number;
  exit?: (code: number) => void;
};

/** Installs the handlers; returns a function that removes them. */
export function installProcessHandlers(opts: ProcessHandlerOptions): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const fatal = (kind: string) => (err: unknown): void => {
    opts.logger.fatal({ err }, `${kind}; exiting`);
    exit(1);
  };
  const onRejection = fatal('unhandled promise rejection');
  const onException = fatal('uncaught exception');
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      opts.logger.warn({ signal }, 'second signal; exiting now');
      exit(1);
      return;
    }
    stopping = true;
    opts.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      opts.logger.error({ graceMs: opts.graceMs ?? 30_000 }, 'graceful shutdown took too long; exiting');
      exit(1);
    }, opts.graceMs ?? 30_000);
    timer.unref();
    opts.shutdown().then(
      () => { clearTimeout(timer); exit(0); },
      (err: unknown) => { clearTimeout(timer); opts.logger.error({ err }, 'shutdown failed'); exit(1); },
    );
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
