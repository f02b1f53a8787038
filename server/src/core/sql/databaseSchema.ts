// A live database's tables as plain data, and the SQL file FK Guard writes of them (`fkguard pull-schema`).
//
// The database is a source of schema like any other: what `pull-schema` reads of it (host/database.ts) is written
// as one `CREATE TABLE` per table, in the workspace, where the SQL reader reads it as it reads any schema dump. So
// a pulled schema is a file the user can read, commit, diff and review, CI needs no database to use it, and the
// engine gains no second way in. Nothing here touches the network: this module only turns data into text.

/**
 * One table of a database: its columns in order, its primary key and the unique keys a foreign key may target.
 * Every name here is written as SQL needs it, quoted by the database itself (PostgreSQL's `quote_ident`: `users`,
 * `"Users"`, `"order"`), so the file says what the database says and no list of key words has to be kept here.
 */
export interface DatabaseTable {
  /** The schema (PostgreSQL namespace), as the database spells it. */
  schema: string;
  name: string;
  columns: DatabaseColumn[];
  /** The primary key's columns in key order, if the table has one. */
  primaryKey?: { name: string; columns: string[] };
  /** UNIQUE constraints, then unique indexes without a predicate or an expression (both can be a key's target). */
  uniques: Array<{ name: string; columns: string[]; index: boolean }>;
  /** UNLOGGED: a permanent table's foreign key may not reference it. */
  unlogged?: true;
  /** What the pull left out of the table and why, written as comments under it. */
  notes?: string[];
}

export interface DatabaseColumn {
  name: string;
  /** The type as the database prints it (`format_type`): `character varying(255)`, `uuid`, `public.mood`. */
  type: string;
  notNull: boolean;
}

export interface DatabaseSchema {
  /** What the database calls itself (`PostgreSQL 16.4`), for the file's header. */
  server: string;
  /** Where it was read, without user or password: `db.example.com:5432/app`. */
  where: string;
  /** The schemas read (all but the system ones, unless the user named some). */
  schemas: string[];
  tables: DatabaseTable[];
}

/**
 * The file `pull-schema` writes: a header saying where and when the schema was read, then the tables sorted by
 * schema and name, each with its columns, primary key and unique keys. The same schema gives the same text, byte for
 * byte (no time in it unless given), so a pull that found no change leaves the file as it was.
 */
export function databaseSchemaSql(db: DatabaseSchema, pulledAt?: string): string {
  const lines: string[] = [
    `-- The schema of the database ${db.where} (${db.server}), read by \`fkguard pull-schema\`${pulledAt ? ` on ${pulledAt}` : ''}.`,
    `-- FK Guard reads this file as the database's tables: the foreign keys in the code are checked against them.`,
    `-- Do not edit it by hand; pull again after migrations change the database. Schemas read: ${db.schemas.join(', ') || '(none)'}.`,
    `-- Foreign keys between these tables are left out: the database already checks its own.`,
  ];
  const tables = [...db.tables].sort((a, b) => compare(a.schema, b.schema) || compare(a.name, b.name));
  if (tables.length === 0) lines.push('', '-- The database has no table in these schemas.');
  for (const t of tables) {
    const qualified = `${t.schema}.${t.name}`;
    if (t.columns.length === 0) {
      // PostgreSQL allows a table with no column, but no key can point at one, and SQL parsers refuse `()`.
      lines.push('', `-- ${qualified} has no column.`);
      continue;
    }
    const body: string[] = t.columns.map((c) => `    ${c.name} ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
    if (t.primaryKey) body.push(`    CONSTRAINT ${t.primaryKey.name} PRIMARY KEY (${t.primaryKey.columns.join(', ')})`);
    for (const u of t.uniques.filter((u) => !u.index)) body.push(`    CONSTRAINT ${u.name} UNIQUE (${u.columns.join(', ')})`);
    // UNLOGGED as the database has it: a permanent table's foreign key to it is refused (`persistence-mismatch`).
    lines.push('', `CREATE ${t.unlogged ? 'UNLOGGED ' : ''}TABLE ${qualified} (`, body.join(',\n'), ');');
    for (const note of t.notes ?? []) lines.push(`-- ${note}`);
    for (const u of t.uniques.filter((u) => u.index)) {
      lines.push(`CREATE UNIQUE INDEX ${u.name} ON ${qualified} (${u.columns.join(', ')});`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
