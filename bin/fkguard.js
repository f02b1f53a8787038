#!/usr/bin/env node
// The CLI is bundled by scripts/build.mjs (run by `npm install` through `prepare`).
require('../dist/cli.js');
