// What a command may touch of the outside world, passed in so commands hold no process-wide state.

export interface CliIo {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A failure the user can act on (a missing path, a broken config file): one line, exit code 2, no stack. */
export class CliFailure extends Error {}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_FAILURE = 2;
