// The extension's mocha suite, run inside a real VS Code extension host: by the code-server runner through the
// workbench `payload` (see ../run.ts), or by @vscode/test-electron where VS Code can be downloaded.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: false, reporter: 'spec' });
  for (const f of readdirSync(__dirname)) if (f.endsWith('.e2e.js')) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} in-editor tests failed`)) : resolve()));
  });
}
