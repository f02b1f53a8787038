#!/usr/bin/env node
// The FK Guard language server for any LSP client: `fkguard-language-server --stdio`.
'use strict';
if (!process.argv.some((a) => a === '--stdio' || a.startsWith('--node-ipc') || a.startsWith('--socket') || a.startsWith('--pipe'))) {
  process.argv.push('--stdio');
}
require('../dist/server.js');
