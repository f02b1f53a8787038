/*!
 * The rules below are a port of the `inflection` package, version 1.13.4 (https://github.com/dreamerslab/node.inflection),
 * distributed under this licence:
 *
 * MIT License
 *
 * Copyright (c) 2021 dreamerslab
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software and associated documentation files (the "Software"), to deal
 * in the Software without restriction, including without limitation the rights
 * to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 * copies of the Software, and to permit persons to whom the Software is
 * furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in all
 * copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 * LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 * SOFTWARE.
 */

/**
 * The `inflection` package's `pluralize` and `underscore`, version 1.13.4: the one Sequelize 6 names tables with
 * (`Utils.pluralize`, `Utils.underscoredIf` in sequelize/lib/utils.js). Ported verbatim, rule for rule and in the
 * same order, so a model's table is the very name Sequelize gives it (`Criterion` → `Criteria`, `Goose` → `geese`,
 * `Fish` → `Fishes`, `UserEquipment` → `UserEquipments`: the rules look at the whole name, its end and, for a few
 * words, its start). test/engine/inflection.test.ts compares both functions with the package's answers over
 * thousands of names (test/engine/data/inflection-1.13.4.json, recorded by test/engine/data/record-inflection.cjs).
 */

/** Words inflection leaves as they are (its `uncountable_words`, compared with the whole name in lower case). */
const UNCOUNTABLE = new Set([
  'accommodation', 'adulthood', 'advertising', 'advice', 'aggression', 'aid', 'air', 'aircraft', 'alcohol', 'anger',
  'applause', 'arithmetic', 'assistance', 'athletics', 'bacon', 'baggage', 'beef', 'biology', 'blood', 'botany',
  'bread', 'butter', 'carbon', 'cardboard', 'cash', 'chalk', 'chaos', 'chess', 'crossroads', 'countryside',
  'dancing', 'deer', 'dignity', 'dirt', 'dust', 'economics', 'education', 'electricity', 'engineering', 'enjoyment',
  'envy', 'equipment', 'ethics', 'evidence', 'evolution', 'fame', 'fiction', 'flour', 'flu', 'food', 'fuel', 'fun',
  'furniture', 'gallows', 'garbage', 'garlic', 'genetics', 'gold', 'golf', 'gossip', 'gratitude', 'grief', 'guilt',
  'gymnastics', 'happiness', 'hardware', 'harm', 'hate', 'hatred', 'health', 'heat', 'help', 'homework', 'honesty',
  'honey', 'hospitality', 'housework', 'humour', 'hunger', 'hydrogen', 'ice', 'importance', 'inflation',
  'information', 'innocence', 'iron', 'irony', 'jam', 'jewelry', 'judo', 'karate', 'knowledge', 'lack', 'laughter',
  'lava', 'leather', 'leisure', 'lightning', 'linguine', 'linguini', 'linguistics', 'literature', 'litter',
  'livestock', 'logic', 'loneliness', 'luck', 'luggage', 'macaroni', 'machinery', 'magic', 'management', 'mankind',
  'marble', 'mathematics', 'mayonnaise', 'measles', 'methane', 'milk', 'minus', 'money', 'mud', 'music', 'mumps',
  'nature', 'news', 'nitrogen', 'nonsense', 'nurture', 'nutrition', 'obedience', 'obesity', 'oxygen', 'pasta',
  'patience', 'physics', 'poetry', 'pollution', 'poverty', 'pride', 'psychology', 'publicity', 'punctuation',
  'quartz', 'racism', 'relaxation', 'reliability', 'research', 'respect', 'revenge', 'rice', 'rubbish', 'rum',
  'safety', 'scenery', 'seafood', 'seaside', 'series', 'shame', 'sheep', 'shopping', 'sleep', 'smoke', 'smoking',
  'snow', 'soap', 'software', 'soil', 'spaghetti', 'species', 'steam', 'stuff', 'stupidity', 'sunshine', 'symmetry',
  'tennis', 'thirst', 'thunder', 'timber', 'traffic', 'transportation', 'trust', 'underwear', 'unemployment',
  'unity', 'validity', 'veal', 'vegetation', 'vegetarianism', 'vengeance', 'violence', 'vitality', 'warmth',
  'wealth', 'weather', 'welfare', 'wheat', 'wildlife', 'wisdom', 'yoga', 'zinc', 'zoology',
]);

// inflection's `regex.plural` and `regex.singular` entries that its `plural_rules` use, with their flags (`gi`:
// `String.prototype.match` and `replace` reset a global regex's position, so the flag keeps no state between calls).
const re = (source: string) => new RegExp(source, 'gi');
const plural = {
  men: re('^(m|wom)en$'),
  people: re('(pe)ople$'),
  children: re('(child)ren$'),
  tia: re('([ti])a$'),
  analyses: re('((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)ses$'),
  databases: re('(database)s$'),
  drives: re('(drive)s$'),
  hives: re('(hi|ti)ves$'),
  curves: re('(curve)s$'),
  lrves: re('([lr])ves$'),
  aves: re('([a])ves$'),
  foves: re('([^fo])ves$'),
  movies: re('(m)ovies$'),
  aeiouyies: re('([^aeiouy]|qu)ies$'),
  series: re('(s)eries$'),
  xes: re('(x|ch|ss|sh)es$'),
  mice: re('([m|l])ice$'),
  buses: re('(bus)es$'),
  oes: re('(o)es$'),
  shoes: re('(shoe)s$'),
  crises: re('(cris|ax|test)es$'),
  octopuses: re('(octop|vir)uses$'),
  aliases: re('(alias|canvas|status|campus)es$'),
  summonses: re('^(summons|bonus)es$'),
  oxen: re('^(ox)en'),
  matrices: re('(matr)ices$'),
  vertices: re('(vert|ind)ices$'),
  feet: re('^feet$'),
  teeth: re('^teeth$'),
  geese: re('^geese$'),
  quizzes: re('(quiz)zes$'),
  whereases: re('^(whereas)es$'),
  criteria: re('^(criteri)a$'),
  genera: re('^genera$'),
  ss: re('ss$'),
  s: re('s$'),
};
const singular = {
  man: re('^(m|wom)an$'),
  person: re('(pe)rson$'),
  child: re('(child)$'),
  drive: re('(drive)$'),
  ox: re('^(ox)$'),
  axis: re('(ax|test)is$'),
  octopus: re('(octop|vir)us$'),
  alias: re('(alias|status|canvas|campus)$'),
  summons: re('^(summons|bonus)$'),
  bus: re('(bu)s$'),
  buffalo: re('(buffal|tomat|potat)o$'),
  tium: re('([ti])um$'),
  sis: re('sis$'),
  ffe: re('(?:([^f])fe|([lr])f)$'),
  hive: re('(hi|ti)ve$'),
  aeiouyy: re('([^aeiouy]|qu)y$'),
  x: re('(x|ch|ss|sh)$'),
  matrix: re('(matr)ix$'),
  vertex: re('(vert|ind)ex$'),
  mouse: re('([m|l])ouse$'),
  foot: re('^foot$'),
  tooth: re('^tooth$'),
  goose: re('^goose$'),
  quiz: re('(quiz)$'),
  whereas: re('^(whereas)$'),
  criterion: re('^(criteri)on$'),
  genus: re('^genus$'),
  s: re('s$'),
  common: re('$'),
};

/** inflection's `plural_rules`: the first that matches decides; one without a replacement leaves the word (already plural). */
const PLURAL_RULES: ReadonlyArray<readonly [RegExp, string?]> = [
  [plural.men],
  [plural.people],
  [plural.children],
  [plural.tia],
  [plural.analyses],
  [plural.databases],
  [plural.drives],
  [plural.hives],
  [plural.curves],
  [plural.lrves],
  [plural.foves],
  [plural.aeiouyies],
  [plural.series],
  [plural.movies],
  [plural.xes],
  [plural.mice],
  [plural.buses],
  [plural.oes],
  [plural.shoes],
  [plural.crises],
  [plural.octopuses],
  [plural.aliases],
  [plural.summonses],
  [plural.oxen],
  [plural.matrices],
  [plural.feet],
  [plural.teeth],
  [plural.geese],
  [plural.quizzes],
  [plural.whereases],
  [plural.criteria],
  [plural.genera],
  [singular.man, '$1en'],
  [singular.person, '$1ople'],
  [singular.child, '$1ren'],
  [singular.drive, '$1s'],
  [singular.ox, '$1en'],
  [singular.axis, '$1es'],
  [singular.octopus, '$1uses'],
  [singular.alias, '$1es'],
  [singular.summons, '$1es'],
  [singular.bus, '$1ses'],
  [singular.buffalo, '$1oes'],
  [singular.tium, '$1a'],
  [singular.sis, 'ses'],
  [singular.ffe, '$1$2ves'],
  [singular.hive, '$1ves'],
  [singular.aeiouyy, '$1ies'],
  [singular.matrix, '$1ices'],
  [singular.vertex, '$1ices'],
  [singular.x, '$1es'],
  [singular.mouse, '$1ice'],
  [singular.foot, 'feet'],
  [singular.tooth, 'teeth'],
  [singular.goose, 'geese'],
  [singular.quiz, '$1zes'],
  [singular.whereas, '$1es'],
  [singular.criterion, '$1a'],
  [singular.genus, 'genera'],
  [singular.s, 's'],
  [singular.common, 's'],
];

/** inflection's `pluralize(str)` (its `_apply_rules` with `plural_rules` and `uncountable_words`). */
export function pluralize(str: string): string {
  if (UNCOUNTABLE.has(str.toLowerCase())) return str;
  for (const [rule, replacement] of PLURAL_RULES) {
    if (str.match(rule)) return replacement === undefined ? str : str.replace(rule, replacement);
  }
  return str;
}

/** inflection's `singular_rules`: the first that matches decides; one without a replacement leaves the word (already singular). */
const SINGULAR_RULES: ReadonlyArray<readonly [RegExp, string?]> = [
  [singular.man],
  [singular.person],
  [singular.child],
  [singular.drive],
  [singular.ox],
  [singular.axis],
  [singular.octopus],
  [singular.alias],
  [singular.summons],
  [singular.bus],
  [singular.buffalo],
  [singular.tium],
  [singular.sis],
  [singular.ffe],
  [singular.hive],
  [singular.aeiouyy],
  [singular.x],
  [singular.matrix],
  [singular.mouse],
  [singular.foot],
  [singular.tooth],
  [singular.goose],
  [singular.quiz],
  [singular.whereas],
  [singular.criterion],
  [singular.genus],
  [plural.men, '$1an'],
  [plural.people, '$1rson'],
  [plural.children, '$1'],
  [plural.databases, '$1'],
  [plural.drives, '$1'],
  [plural.genera, 'genus'],
  [plural.criteria, '$1on'],
  [plural.tia, '$1um'],
  [plural.analyses, '$1$2sis'],
  [plural.hives, '$1ve'],
  [plural.curves, '$1'],
  [plural.lrves, '$1f'],
  [plural.aves, '$1ve'],
  [plural.foves, '$1fe'],
  [plural.movies, '$1ovie'],
  [plural.aeiouyies, '$1y'],
  [plural.series, '$1eries'],
  [plural.xes, '$1'],
  [plural.mice, '$1ouse'],
  [plural.buses, '$1'],
  [plural.oes, '$1'],
  [plural.shoes, '$1'],
  [plural.crises, '$1is'],
  [plural.octopuses, '$1us'],
  [plural.aliases, '$1'],
  [plural.summonses, '$1'],
  [plural.oxen, '$1'],
  [plural.matrices, '$1ix'],
  [plural.vertices, '$1ex'],
  [plural.feet, 'foot'],
  [plural.teeth, 'tooth'],
  [plural.geese, 'goose'],
  [plural.quizzes, '$1'],
  [plural.whereases, '$1'],
  [plural.ss, 'ss'],
  [plural.s, ''],
];

/**
 * inflection's `singularize(str)` (its `_apply_rules` with `singular_rules` and `uncountable_words`): Sequelize's
 * `Utils.singularize`, which names a model's `options.name.singular` and the default keys of its associations.
 */
export function singularize(str: string): string {
  if (UNCOUNTABLE.has(str.toLowerCase())) return str;
  for (const [rule, replacement] of SINGULAR_RULES) {
    if (str.match(rule)) return replacement === undefined ? str : str.replace(rule, replacement);
  }
  return str;
}

/** inflection's `underscore(str)`: `_` before every capital, a leading `_` dropped, `::` → `/`, lower case. */
export function underscore(str: string): string {
  return str
    .split('::')
    .map((part) => part.replace(/([A-Z])/g, '_$1').replace(/^_/, ''))
    .join('/')
    .toLowerCase();
}
