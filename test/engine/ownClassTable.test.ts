import assert from 'node:assert/strict';
import type { SchemaIndex } from '../../server/src/core/schemaIndex';
import type { Engine } from '../../server/src/core/engine';
import { createEngine, createLazyEngine } from '../../server/src/host/python';

const MODELS = [
  'from sqlalchemy import Column, ForeignKey, Integer',
  'from sqlalchemy.orm import declarative_base',
  'Base = declarative_base()',
  '',
  'class Silo(Base):',
  '    __tablename__ = "silos"',
  '    id = Column(Integer, primary_key=True)',
  '',
  'class Barn(Base):',
  '    __tablename__ = "barns"',
  '    id = Column(Integer, primary_key=True)',
  '    silo_id = Column(Integer, ForeignKey("silos.id"))',
  '',
  'Barn = Silo',
  '',
].join('\n');

const indexOf = (e: Engine) => (e as unknown as { index: SchemaIndex }).index;

/**
 * `ownClassTable` answers for a class statement, not for the name it binds: a module that binds the name again
 * (`Barn = Silo`) leaves each class its own table. It asks the mapper for the class's id (the mapper keeps one per
 * class), in a one-shot engine and in an editor's engine after the file changes.
 */
describe("a class's own table", () => {
  it('is the table of the class statement, whatever the module binds its name to later', async () => {
    const oneShot = createLazyEngine(undefined, { oneShot: true });
    await oneShot.loadParser();
    oneShot.loadFile('app/models.py', MODELS);
    const editor = await createEngine();
    editor.updateFile('app/models.py', MODELS);
    for (const e of [oneShot, editor]) {
      const index = indexOf(e);
      const classes = e.getFacts('app/models.py')!.classes;
      assert.deepEqual(
        classes.map((c) => index.ownClassTable('app/models.py', c)?.table?.name),
        ['silos', 'barns'],
      );
      // Asked again, the same mapping.
      for (const c of classes) assert.equal(index.ownClassTable('app/models.py', c), index.ownClassTable('app/models.py', c));
      // The name, read after the module ran, is the rebound one.
      assert.equal(index.classTable('app/models.py', 'Barn')?.table?.name, 'silos');
    }
    // A changed file's classes are new objects: each still finds its own (new) table.
    editor.updateFile('app/models.py', MODELS.replace('"barns"', '"sheds"'));
    const index = indexOf(editor);
    assert.deepEqual(
      editor.getFacts('app/models.py')!.classes.map((c) => index.ownClassTable('app/models.py', c)?.table?.name),
      ['silos', 'sheds'],
    );
    oneShot.dispose();
    editor.dispose();
  });
});
