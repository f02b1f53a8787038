// scanWorkspace with a recording stand-in for the engine: these tests are about walking and reading, and
// must not depend on the parser.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_CONFIG, FkGuardConfig } from '../../server/src/core/config';
import type { Engine } from '../../server/src/core/engine';
import { acceptsPython } from '../../server/src/core/python/dialect';
import { scanWorkspace } from '../../server/src/host/scan';
import { makeTree, removeTree } from './tmp';

class RecordingEngine {
  readonly updates: Array<[string, string]> = [];
  readonly removed: string[] = [];
  private readonly files = new Map<string, string>();
  constructor(private config: FkGuardConfig = DEFAULT_CONFIG) {}
  getConfig() {
    return this.config;
  }
  extensions() {
    return ['.py', '.pyi'];
  }
  skipReason() {
    return undefined;
  }
  isPythonFile() {
    return true;
  }
  isSqlFile() {
    return false;
  }
  // The real engine's test: the Python dialect's prefilter.
  accepts(file: string, text: string) {
    return acceptsPython(file, text);
  }
  async loadParser() {}
  async loadParserFor() {}
  setConfig(c: FkGuardConfig) {
    this.config = c;
    return [];
  }
  updateFile(file: string, text: string) {
    this.updates.push([file, text]);
    if (text.includes('ForeignKey')) this.files.set(file, text);
    else this.files.delete(file);
    return [file];
  }
  getFacts(file: string) {
    return this.files.has(file) ? {} : undefined;
  }
  parsedFiles() {
    return [...this.files.keys()];
  }
  removeFile(file: string) {
    this.removed.push(file);
    this.files.delete(file);
    return [file];
  }
}

describe('scanWorkspace', () => {
  let root: string;
  beforeEach(() => {
    root = makeTree({
      'app/models.py': 'ForeignKey("users.id")\n',
      'app/util.py': 'x = 1\n',
      'app/blob.py': Buffer.from([0x41, 0x00]),
      'app/big.py': 'ForeignKey' + '#'.repeat(500),
    });
  });
  afterEach(() => removeTree(root));

  it('feeds every readable file to the engine and reports the rest with a reason', async () => {
    const engine = new RecordingEngine();
    const config = { ...DEFAULT_CONFIG, maxFileSize: 100 };
    const r = await scanWorkspace({ roots: [root], config, engine: engine as unknown as Engine, retainText: true });
    assert.equal(r.base, root);
    assert.deepEqual(engine.updates.map(([f]) => f).sort(), ['app/models.py', 'app/util.py']);
    assert.deepEqual(
      r.files.map((f) => [f.id, f.text]),
      [['app/models.py', 'ForeignKey("users.id")\n'], ['app/util.py', undefined]],
    );
    assert.deepEqual(r.skipped.map((s) => s.file), ['app/big.py', 'app/blob.py']);
    assert.match(r.skipped[0].reason, /larger than/);
    assert.match(r.skipped[1].reason, /binary/);
    assert.equal(r.cancelled, false);
  });

  it('removes from a reused engine the files that are gone', async () => {
    const engine = new RecordingEngine();
    engine.updateFile('old/deleted.py', 'ForeignKey("a.b")');
    await scanWorkspace({ roots: [root], config: DEFAULT_CONFIG, engine: engine as unknown as Engine });
    assert.deepEqual(engine.removed, ['old/deleted.py']);
  });

  it('loads the config from the base when none is given, and reports a broken file without failing', async () => {
    const broken = makeTree({ 'fkguard.toml': 'exclude = [\n', 'm.py': 'ForeignKey("a.b")\n' });
    try {
      const r = await scanWorkspace({ roots: [broken], engine: new RecordingEngine() as unknown as Engine });
      assert.equal(r.configErrors.length, 1);
      assert.match(r.configErrors[0], /fkguard\.toml:\d+:\d+: invalid TOML/);
      assert.deepEqual(r.files.map((f) => f.id), ['m.py']);
    } finally {
      removeTree(broken);
    }
  });

  it('applies the config exclude globs', async () => {
    const engine = new RecordingEngine();
    const r = await scanWorkspace({ roots: [join(root, 'app')], config: { ...DEFAULT_CONFIG, exclude: ['util.py'] }, engine: engine as unknown as Engine });
    assert.ok(!r.files.some((f) => f.id === 'util.py'));
    assert.ok(r.files.some((f) => f.id === 'models.py'));
  });
});
