// Preloaded into a measured process (`node --require bench/rss.cjs ...`): at exit, writes the process's peak
// resident set size (kilobytes) and the CPU time of all its threads (user and system, microseconds), as
// process.resourceUsage() reports them, as JSON to $FKGUARD_BENCH_RSS_FILE. The 'exit' event also fires when the
// program calls process.exit(), which a CLI does to set its exit code. Worker threads inherit the preload; only
// the main thread writes, last, so the figures cover the whole process.
'use strict';
const { writeFileSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const out = process.env.FKGUARD_BENCH_RSS_FILE;
if (out && isMainThread) {
  process.on('exit', () => {
    try {
      const u = process.resourceUsage();
      writeFileSync(out, JSON.stringify({ maxRSS: u.maxRSS, userCPUTime: u.userCPUTime, systemCPUTime: u.systemCPUTime }));
    } catch {
      // A bench measurement must never change the measured program's behaviour or exit code.
    }
  });
}
