// FK Guard calls a type mismatch an error only when the database refuses the constraint. This test asks a real
// PostgreSQL (PGlite, in process) to create a foreign key for every pair of the types FK Guard knows, and checks
// that `compareTypes` gives the same verdict, pair by pair. It also checks that the SQLAlchemy type names the
// engine maps produce spellings that this matrix covers, so no verdict the engine can reach goes untested.
import * as assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { annotationType, compareTypes, knownType } from '../server/src/core/typeFamilies';

/** Every PostgreSQL spelling the engine produces for a FK column or a key, as `sqlType`. */
const PG_TYPES = [
  'smallint',
  'integer',
  'bigint',
  'numeric',
  'numeric(10,2)',
  'real',
  'double precision',
  'varchar',
  'varchar(36)',
  'varchar(255)',
  'char(36)',
  'text',
  'citext',
  'uuid',
  'boolean',
  'date',
  'timestamp',
  'timestamp(0)',
  'timestamptz',
  'timestamptz(3)',
  'time',
  'time(2)',
  'interval',
  'bytea',
  'jsonb',
  'json',
] as const;

type PgVerdict = { created: true } | { created: false; error: string };

/**
 * Creates one key table per type, then one FK table per pair, each in its own PL/pgSQL exception block so a
 * refusal does not abort the batch. One `exec` for the whole matrix keeps the round trips (and the time) low.
 */
async function askPostgres(db: PGlite, types: readonly string[]): Promise<Map<string, PgVerdict>> {
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const block = (ddl: string, fk: string, key: string) =>
    `DO $$ BEGIN EXECUTE ${lit(ddl)}; INSERT INTO verdicts VALUES (${lit(fk)}, ${lit(key)}, NULL);
     EXCEPTION WHEN others THEN INSERT INTO verdicts VALUES (${lit(fk)}, ${lit(key)}, SQLERRM); END $$;`;
  const sql: string[] = ['CREATE TABLE verdicts (fk text, key text, error text);'];
  types.forEach((key, k) => {
    // A type without btree equality (json) cannot even be a primary key: every FK to it is refused.
    sql.push(block(`CREATE TABLE key_${k} (id ${key} PRIMARY KEY)`, '', key));
  });
  types.forEach((fk, f) =>
    types.forEach((key, k) => {
      sql.push(block(`CREATE TABLE fk_${f}_${k} (ref ${fk} REFERENCES key_${k} (id))`, fk, key));
    }),
  );
  await db.exec(sql.join('\n'));
  const rows = await db.query<{ fk: string; key: string; error: string | null }>('SELECT fk, key, error FROM verdicts');
  const keyErrors = new Map<string, string>();
  const out = new Map<string, PgVerdict>();
  for (const r of rows.rows) {
    if (r.fk === '') {
      if (r.error !== null) keyErrors.set(r.key, r.error);
      continue;
    }
    const error = r.error ?? undefined;
    const keyError = keyErrors.get(r.key);
    out.set(
      pairKey(r.fk, r.key),
      error === undefined ? { created: true } : { created: false, error: keyError ? `key: ${keyError}` : error },
    );
  }
  return out;
}

const pairKey = (fk: string, key: string) => `${fk} -> ${key}`;

describe('type compatibility agrees with PostgreSQL (pglite)', function () {
  this.timeout(120_000);
  let db: PGlite;
  let verdicts: Map<string, PgVerdict>;

  before(async () => {
    // citext is an extension's type (PGlite ships it): made before the matrix asks about it.
    const { citext } = await import('@electric-sql/pglite/contrib/citext');
    db = new PGlite({ extensions: { citext } });
    await db.exec('CREATE EXTENSION citext');
    verdicts = await askPostgres(db, PG_TYPES);
  });

  after(async () => {
    await db?.close();
  });

  it('asked PostgreSQL about every pair, and PostgreSQL judged as documented', () => {
    assert.equal(verdicts.size, PG_TYPES.length * PG_TYPES.length);
    // Guards the harness itself: a batch that silently created nothing (or everything) would agree with nobody.
    assert.equal(verdicts.get(pairKey('integer', 'bigint'))?.created, true);
    assert.equal(verdicts.get(pairKey('text', 'varchar(255)'))?.created, true);
    const refused = verdicts.get(pairKey('varchar(255)', 'uuid'));
    assert.ok(refused && !refused.created && /cannot be implemented/.test(refused.error), JSON.stringify(refused));
    // citext casts to text, not the other way (R14-1): a key from text to citext is refused.
    assert.equal(verdicts.get(pairKey('citext', 'varchar(255)'))?.created, true);
    assert.equal(verdicts.get(pairKey('text', 'citext'))?.created, false);
    const json = verdicts.get(pairKey('json', 'json'));
    assert.ok(json && !json.created && /^key: /.test(json.error), JSON.stringify(json));
  });

  it('compareTypes refuses exactly what PostgreSQL refuses, and calls only identical types "same"', () => {
    const disagreements: string[] = [];
    for (const fk of PG_TYPES) {
      for (const key of PG_TYPES) {
        const pg = verdicts.get(pairKey(fk, key));
        assert.ok(pg, `no PostgreSQL verdict for ${pairKey(fk, key)}`);
        const ours = compareTypes('postgresql', fk, key);
        const expected = !pg.created ? 'refused' : fk === key ? 'same' : 'accepted';
        if (ours !== expected) {
          const why = pg.created ? 'PostgreSQL created it' : `PostgreSQL: ${pg.error}`;
          disagreements.push(`  ${pairKey(fk, key)}: FK Guard says ${ours}, expected ${expected} (${why})`);
        }
      }
    }
    assert.equal(
      disagreements.length,
      0,
      `${disagreements.length} of ${PG_TYPES.length ** 2} pairs disagree:\n${disagreements.join('\n')}`,
    );
  });

  it('the documented anchor cases hold', () => {
    // The seed's missed bug and the issue's examples: these must stay as they are whatever the matrix says.
    assert.equal(compareTypes('postgresql', 'varchar(255)', 'uuid'), 'refused');
    assert.equal(compareTypes('postgresql', 'integer', 'varchar(255)'), 'refused');
    assert.equal(compareTypes('postgresql', 'integer', 'uuid'), 'refused');
    assert.equal(compareTypes('postgresql', 'integer', 'bigint'), 'accepted');
    assert.equal(compareTypes('postgresql', 'varchar(36)', 'varchar(255)'), 'accepted');
    assert.equal(compareTypes('postgresql', 'text', 'varchar(255)'), 'accepted');
    assert.equal(compareTypes('postgresql', 'integer', 'numeric'), 'accepted');
    assert.equal(compareTypes('postgresql', 'uuid', 'uuid'), 'same');
  });
});

describe('SQLAlchemy type names map into the tested PostgreSQL spellings', () => {
  const covered = new Set<string>(PG_TYPES);
  // [name, positional args, keyword args, expected sqlType]
  const cases: [string, string[], Record<string, string>, string][] = [
    ['Integer', [], {}, 'integer'],
    ['INTEGER', [], {}, 'integer'],
    ['SmallInteger', [], {}, 'smallint'],
    ['BigInteger', [], {}, 'bigint'],
    ['BIGINT', [], {}, 'bigint'],
    ['Numeric', [], {}, 'numeric'],
    ['Numeric', ['10', '2'], {}, 'numeric(10,2)'],
    ['Numeric', [], { precision: '10', scale: '2' }, 'numeric(10,2)'],
    ['DECIMAL', ['10', '2'], {}, 'numeric(10,2)'],
    ['Float', [], {}, 'double precision'],
    ['Double', [], {}, 'double precision'],
    ['DOUBLE_PRECISION', [], {}, 'double precision'],
    ['REAL', [], {}, 'real'],
    ['String', [], {}, 'varchar'],
    ['String', ['255'], {}, 'varchar(255)'],
    ['String', [], { length: '255' }, 'varchar(255)'],
    ['String', ['36'], {}, 'varchar(36)'],
    ['Unicode', ['255'], {}, 'varchar(255)'],
    ['VARCHAR', ['36'], {}, 'varchar(36)'],
    ['CHAR', ['36'], {}, 'char(36)'],
    ['Text', [], {}, 'text'],
    ['UnicodeText', [], {}, 'text'],
    ['CITEXT', [], {}, 'citext'],
    ['UUID', [], { as_uuid: 'True' }, 'uuid'],
    ['Uuid', [], {}, 'uuid'],
    ['UUIDType', [], {}, 'uuid'],
    ['Boolean', [], {}, 'boolean'],
    ['Date', [], {}, 'date'],
    ['DateTime', [], {}, 'timestamp'],
    ['DateTime', [], { timezone: 'True' }, 'timestamptz'],
    ['TIMESTAMP', ['True'], {}, 'timestamptz'],
    ['TIMESTAMP', [], { precision: '0' }, 'timestamp(0)'],
    ['TIMESTAMP', [], { timezone: 'True', precision: '3' }, 'timestamptz(3)'],
    ['Time', [], {}, 'time'],
    ['TIME', [], { precision: '2' }, 'time(2)'],
    ['Interval', [], {}, 'interval'],
    ['LargeBinary', [], {}, 'bytea'],
    ['BYTEA', [], {}, 'bytea'],
    ['JSON', [], {}, 'json'],
    ['JSONB', [], {}, 'jsonb'],
  ];

  for (const [name, args, kwargs, sql] of cases) {
    const call = `${name}(${[...args, ...Object.entries(kwargs).map(([k, v]) => `${k}=${v}`)].join(', ')})`;
    it(`${call} is ${sql}`, () => {
      const t = knownType(name, args, kwargs);
      assert.ok(t, `${name} is not a known type`);
      assert.equal(t.sqlType, sql);
      assert.ok(covered.has(t.sqlType), `${t.sqlType} is not in the pglite matrix`);
    });
  }

  it('Mapped[...] annotations map into the matrix too', () => {
    for (const a of ['int', 'str', 'uuid.UUID', 'float', 'Decimal', 'bool', 'datetime', 'date', 'time', 'timedelta', 'bytes']) {
      const t = annotationType(a);
      assert.ok(t, `Mapped[${a}] is not known`);
      assert.ok(covered.has(t.sqlType), `Mapped[${a}] gives ${t.sqlType}, which is not in the pglite matrix`);
    }
  });
});
