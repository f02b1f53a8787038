// Preloaded into a measured process (`node --require bench/rss.cjs ...`): at exit, writes the process's peak
// resident set size (kilobytes, as process.resourceUsage() reports it) to $FKGUARD_BENCH_RSS_FILE. The 'exit'
// event also fires when the program calls process.exit(), which a CLI does to set its exit code.
'use strict';
const { writeFileSync } = require('node:fs');

const out = process.env.FKGUARD_BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    try {
      writeFileSync(out, String(process.resourceUsage().maxRSS));
    } catch {
      // A bench measurement must never change the measured program's behaviour or exit code.
    }
  });
}
