// Records what the real `inflection` package answers for `pluralize`, `underscore` and `singularize` over a large list of names,
// into inflection-1.13.4.json beside this script. test/engine/inflection.test.ts compares FK Guard's port
// (server/src/core/typescript/inflection.ts) with it, so the test needs no copy of the package.
//
//   node test/engine/data/record-inflection.cjs /path/to/node_modules/inflection
//
// The package must be version 1.13.4 (the one Sequelize 6.37 installs). The names: every word of inflection's own
// word list (commented-out ones too), words each of its rules is written for, in five spellings each (lower,
// Capitalised, UPPER, a CamelCase compound, a snake_case compound), and every interface name of TypeScript's
// lib.dom.d.ts (CamelCase names with acronyms, as model names are written).
const { readFileSync, writeFileSync } = require('node:fs');
const { join, dirname } = require('node:path');

const dir = process.argv[2];
if (!dir) throw new Error('usage: record-inflection.cjs <inflection package folder>');
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
if (pkg.version !== '1.13.4') throw new Error(`inflection ${pkg.version}, not 1.13.4`);
const inflection = require(dir);

const source = readFileSync(join(dir, 'lib', 'inflection.js'), 'utf8');
const listed = source.slice(source.indexOf('var uncountable_words'), source.indexOf('];', source.indexOf('var uncountable_words')));
const own = [...listed.matchAll(/'([a-z]+)'/g)].map((m) => m[1]);
const stems = `man woman men women person people child children drive drives ox oxen axis axes testis testes crisis crises
  octopus octopi octopuses virus viri viruses alias aliases status statuses canvas canvases campus campuses summons
  summonses bonus bonuses bus buses busses buffalo tomato potato hero photo piano echo video radio zoo datum data medium
  media stadium curriculum analysis analyses basis bases diagnosis parenthesis prognosis synopsis thesis database
  databases knife wife life leaf wolf half elf shelf roof chief safe hive archive hives archives curve curves city query
  key day boy guy entry category company reply survey box fox church class wish dish glass kiss matrix matrices vertex
  vertices index indices indexes appendix mouse mice louse lice foot feet tooth teeth goose geese quiz quizzes whereas
  criterion criteria genus genera shoe shoes movie movies series species cactus fungus nucleus radius stimulus syllabus
  address process business access success news lens mess gas yes plus corpus opus census atlas iris virus sheep fish
  deer moose equipment information rice money staff user account order item product invoice line payment role
  permission setting profile tag post comment message session token log event task project team member group note file
  image asset tax fee address_book userid url uri uuid api html http id ids xml json sms gps faq cms cv crm erp`.split(/\s+/).filter(Boolean);
const cap = (w) => w[0].toUpperCase() + w.slice(1);
const camel = (w) => w.split('_').map(cap).join('');
const words = new Set();
for (const w of [...own, ...stems]) {
  words.add(w);
  words.add(cap(w));
  words.add(w.toUpperCase());
  words.add(`User${camel(w)}`);
  words.add(`order_${w}`);
}
const dom = readFileSync(join(dirname(require.resolve('typescript')), 'lib.dom.d.ts'), 'utf8');
for (const m of dom.matchAll(/^interface ([A-Za-z][A-Za-z0-9]*)\b/gm)) words.add(m[1]);
for (const w of ['Foo::BarBaz', 'Api::UserRole', 'A::B::C', '_Leading', '__Two', 'trailing_', 'already_snake', 'MixedCase_snake', 'X', 'x', 'Ü', 'Café', 'Route66', '42', '']) words.add(w);
const rows = [...words].sort().map((w) => [w, inflection.pluralize(w), inflection.underscore(w), inflection.singularize(w)]);
writeFileSync(join(__dirname, 'inflection-1.13.4.json'), `${JSON.stringify({ package: `inflection@${pkg.version}`, rows }, null, 0).replace(/\],\[/g, '],\n[')}\n`);
console.log(`${rows.length} names`);
