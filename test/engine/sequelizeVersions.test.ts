// Sequelize 4 names columns and tables otherwise than 5 and later (`underscored`), so FK Guard reads the range a
// package.json admits: a range whose lowest version is before 5 leaves the names `underscored` decides unknown.
import assert from 'node:assert/strict';
import { admitsBefore5 } from '../../server/src/core/schemaIndex';

describe('engine: which sequelize ranges admit version 4', () => {
  for (const range of ['^4.44.4', '~4.0.0', '4.x', '4', '>=4.0.0 <7', '^3.30.0 || ^6.0.0', 'v4.1.0', '=4.2.1', 'npm:sequelize@^4.44.0']) {
    it(`${range} admits a version before 5`, () => assert.equal(admitsBefore5(range), true));
  }
  for (const range of ['^6.37.0', '6.35.2', '~5.22.0', '>=5', '^7.0.0-alpha.9', 'latest', 'next', '*', '', 'npm:sequelize@^6.37.0', 'github:sequelize/sequelize#semver:^6.0.0']) {
    it(`${JSON.stringify(range)} does not`, () => assert.equal(admitsBefore5(range), false));
  }
  // A dependency on a git repository, a URL, a folder or a workspace package installs whatever version it holds:
  // not known, so it may be 4 (a `v4` branch or tag, an old tarball), and the names `underscored` decides stay unknown.
  for (const range of ['github:sequelize/sequelize#v4', 'github:sequelize/sequelize', 'sequelize/sequelize#v4.44.4', 'git+https://example.invalid/sequelize.git#v4', 'https://example.invalid/sequelize-4.44.4.tgz', 'file:../vendor/sequelize', './vendor/sequelize', 'workspace:*']) {
    it(`${JSON.stringify(range)} may be a version before 5 (its version is not known)`, () => assert.equal(admitsBefore5(range), true));
  }
});
