// Sequelize 6 names a model's table with the `inflection` package (1.13.4): FK Guard's port must give the package's
// answer for every name. The answers were recorded from the real package by data/record-inflection.cjs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pluralize, singularize, underscore } from '../../server/src/core/typescript/inflection';
import { REPO } from './harness';

describe('engine: inflection 1.13.4 (Sequelize table names)', () => {
  const recorded = JSON.parse(readFileSync(join(REPO, 'test', 'engine', 'data', 'inflection-1.13.4.json'), 'utf8')) as { package: string; rows: Array<[string, string, string, string]> };

  it('was recorded from inflection 1.13.4, over thousands of names', () => {
    assert.equal(recorded.package, 'inflection@1.13.4');
    assert.ok(recorded.rows.length > 3000);
  });

  it('pluralize gives the package answer for every recorded name', () => {
    const wrong = recorded.rows.filter(([name, plural]) => pluralize(name) !== plural).map(([name, plural]) => `${name}: ${pluralize(name)}, package ${plural}`);
    assert.deepEqual(wrong, []);
  });

  it('underscore gives the package answer for every recorded name', () => {
    const wrong = recorded.rows.filter(([name, , snake]) => underscore(name) !== snake).map(([name, , snake]) => `${name}: ${underscore(name)}, package ${snake}`);
    assert.deepEqual(wrong, []);
  });

  // R14-6: Sequelize names a model's `options.name.singular`, and so its associations' default keys, with it.
  it('singularize gives the package answer for every recorded name', () => {
    const wrong = recorded.rows.filter(([name, , , single]) => singularize(name) !== single).map(([name, , , single]) => `${name}: ${singularize(name)}, package ${single}`);
    assert.deepEqual(wrong, []);
  });

  // R11-22: the names the base build pluralised otherwise, with Sequelize 6.37.8's `getTableName()` for each.
  for (const [model, table] of [['Criterion', 'Criteria'], ['Virus', 'Viruses'], ['Goose', 'geese'], ['Fish', 'Fishes'], ['Campus', 'Campuses'], ['Potato', 'Potatoes'], ['Octopus', 'Octopuses'], ['Axis', 'Axes'], ['Ox', 'Oxen'], ['Tooth', 'teeth'], ['Foot', 'feet'], ['Moose', 'Mooses'], ['Genus', 'genera'], ['Tomato', 'Tomatoes'], ['CompanyPerson', 'CompanyPeople'], ['UserEquipment', 'UserEquipments']] as const) {
    it(`${model} → ${table}`, () => assert.equal(pluralize(model), table));
  }
});
