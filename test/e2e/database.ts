// The database the editor's *FK Guard: Pull Schema from Database* reads in the end-to-end tests: a real PostgreSQL
// (PGlite behind a TCP port, ../host/pgliteServer.ts) holding a table no model file defines, keyed by a uuid. Both
// runners (run.ts for code-server, electron.mjs for a desktop VS Code) start it and put its URL in the user
// settings as `fkguard.database.url`, which the in-host suite's pull test reads.
import { startPgliteServer } from '../host/pgliteServer';

export interface E2eDatabase {
  url: string;
  close(): Promise<void>;
}

export async function startE2eDatabase(): Promise<E2eDatabase> {
  const server = await startPgliteServer();
  await server.db.exec(`
    CREATE TABLE public.ledger_accounts (id uuid PRIMARY KEY, code varchar(24) NOT NULL UNIQUE);
    CREATE TABLE public.ledger_entries (id bigint PRIMARY KEY, account_id uuid NOT NULL REFERENCES public.ledger_accounts (id));
  `);
  return { url: server.url, close: () => server.close() };
}
