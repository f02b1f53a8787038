import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';

/** The levels of the client's log (VS Code shows them in a LogOutputChannel, filtered by the user's level). */
export interface Logger {
  info(message: string): void;
  error(message: string): void;
  warn?(message: string): void;
  debug?(message: string): void;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * Wraps a request handler so a fault is logged and answered with an error response instead of escaping
 * into the connection (which would leave the client waiting) or taking the process down.
 */
export function guardRequest<P extends unknown[], R, E = void>(
  log: Logger,
  name: string,
  handler: (...args: P) => R | Promise<R>,
): (...args: P) => Promise<R | ResponseError<E>> {
  return async (...args: P) => {
    try {
      return await handler(...args);
    } catch (err) {
      if (err instanceof ResponseError) return err as ResponseError<E>;
      log.error(`FK Guard: ${name} failed: ${describe(err)}`);
      const message = err instanceof Error ? err.message : String(err);
      return new ResponseError<E>(ErrorCodes.InternalError, `FK Guard: ${name} failed: ${message}`);
    }
  };
}

/** The same for notifications and timers: nobody waits for an answer, so the fault is only logged. */
export function guardNotification<P extends unknown[]>(
  log: Logger,
  name: string,
  handler: (...args: P) => void | Promise<void>,
): (...args: P) => void {
  return (...args: P) => {
    try {
      const result = handler(...args);
      if (result && typeof (result as Promise<void>).catch === 'function') {
        (result as Promise<void>).catch((err: unknown) => log.error(`FK Guard: ${name} failed: ${describe(err)}`));
      }
    } catch (err) {
      log.error(`FK Guard: ${name} failed: ${describe(err)}`);
    }
  };
}
