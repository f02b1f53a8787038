// Shared set-up for the reliability suite: temporary workspaces and a private user cache folder, so no test
// reads or writes the cache of the person running the tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Points `XDG_CACHE_HOME` (where FK Guard keeps its cache and its per-machine secret) at a fresh folder for the
 * duration of a `describe` block, and returns that folder's getter.
 */
export function privateCacheHome(): () => string {
  let dir = '';
  let before: string | undefined;
  beforeEach(() => {
    before = process.env.XDG_CACHE_HOME;
    dir = mkdtempSync(join(tmpdir(), 'fkguard-cachehome-'));
    process.env.XDG_CACHE_HOME = dir;
  });
  afterEach(() => {
    if (before === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = before;
    rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

export const USERS =
  'from sqlalchemy import Column, Integer\nfrom app.db import Base\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n';
/** A correct reference to `users.id`. */
export const ORDERS_OK =
  'from sqlalchemy import Column, ForeignKey, Integer\nfrom app.db import Base\n\nclass Order(Base):\n    __tablename__ = "orders"\n    id = Column(Integer, primary_key=True)\n    user_id = Column(Integer, ForeignKey("users.id"))\n';
/** A reference to a table that does not exist (`user`). */
export const ORDERS_BAD = ORDERS_OK.replace('"users.id"', '"user.id"');
