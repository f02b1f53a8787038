// The `fkguard` executable (bundled to dist/cli.js). It sets `process.exitCode` rather than calling
// `process.exit`, so output piped to another program is written out in full before the process ends.

import { run } from './run';

// `fkguard scan | head` closes the pipe early; that is the reader's choice, not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exitCode ??= 0;
  else throw err;
});

run(
  process.argv.slice(2),
  {
    cwd: process.cwd(),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  },
  process.env,
).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // run() catches everything; this is the last guard, so an exit code 2 is certain.
    process.stderr.write(`fkguard: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
