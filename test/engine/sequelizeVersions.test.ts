// Sequelize 4 names columns and tables otherwise than 5 and later (`underscored`), so FK Guard reads the range a
// package.json admits: a range whose lowest version is before 5 leaves the names `underscored` decides unknown.
import assert from 'node:assert/strict';
import { admitsBefore5 } from '../../server/src/core/schemaIndex';

describe('engine: which sequelize ranges admit version 4', () => {
  for (const range of ['^4.44.4', '~4.0.0', '4.x', '4', '>=4.0.0 <7', '^3.30.0 || ^6.0.0', 'v4.1.0', '=4.2.1']) {
    it(`${range} admits a version before 5`, () => assert.equal(admitsBefore5(range), true));
  }
  for (const range of ['^6.37.0', '6.35.2', '~5.22.0', '>=5', '^7.0.0-alpha.9', 'latest', '*', 'github:sequelize/sequelize', 'https://example.invalid/sequelize.tgz', '']) {
    it(`${JSON.stringify(range)} does not`, () => assert.equal(admitsBefore5(range), false));
  }
});
