// The strings SQLAlchemy's relationship() evaluates against the metadata, read from the text for rename (R14-8):
// code only (not comments, not other strings), each literal with where its contents are and whether it is alone.
import assert from 'node:assert/strict';
import { relationshipStrings } from '../../server/src/core/python/relationshipStrings';

const read = (text: string) => relationshipStrings(text).map((s) => ({ keyword: s.keyword, text: s.text, at: text.slice(s.content.start, s.content.end), alone: s.alone, computed: s.computed }));

describe('relationshipStrings', () => {
  it('reads the evaluated keyword arguments of relationship(), relation() and backref(), nothing else', () => {
    const text = [
      '# relationship("A", secondary="in_a_comment")',
      'note = "relationship(\'A\', secondary=\'in_a_string\')"',
      'a = relationship("Group", secondary="user_groups", back_populates="users")',
      'b = db.relationship("Post", primaryjoin="and_(users.c.id == Post.uid, Post.kind == \'x (y)\')", viewonly=True)',
      'c = relation("Tag", order_by="Tag.name", backref=backref("items", remote_side="Item.id"))',
      'd = relationship("X", secondary=f"{prefix}_links", foreign_keys="[X.a, X.b]")',
      'e = relationship("Y", secondary="schema." + "links")',
      "f = relationship('Z', secondary='''zs''')",
      'g = relationship("W", secondary=r"w\\s", primaryjoin="W.name == \'a\\\\\'b\'")',
    ].join('\n');
    assert.deepEqual(read(text), [
      { keyword: 'secondary', text: 'user_groups', at: 'user_groups', alone: true, computed: false },
      { keyword: 'primaryjoin', text: "and_(users.c.id == Post.uid, Post.kind == 'x (y)')", at: "and_(users.c.id == Post.uid, Post.kind == 'x (y)')", alone: true, computed: false },
      { keyword: 'order_by', text: 'Tag.name', at: 'Tag.name', alone: true, computed: false },
      { keyword: 'remote_side', text: 'Item.id', at: 'Item.id', alone: true, computed: false },
      { keyword: 'secondary', text: '{prefix}_links', at: '{prefix}_links', alone: true, computed: true },
      { keyword: 'foreign_keys', text: '[X.a, X.b]', at: '[X.a, X.b]', alone: true, computed: false },
      { keyword: 'secondary', text: 'schema.', at: 'schema.', alone: false, computed: false },
      { keyword: 'secondary', text: 'links', at: 'links', alone: false, computed: false },
      { keyword: 'secondary', text: 'zs', at: 'zs', alone: true, computed: false },
      { keyword: 'secondary', text: 'w\\s', at: 'w\\s', alone: true, computed: false },
      { keyword: 'primaryjoin', text: "W.name == 'a\\\\'b'", at: "W.name == 'a\\\\'b'", alone: true, computed: true },
    ]);
  });

  it('survives a call cut off by the end of the file (a half-typed relationship)', () => {
    assert.deepEqual(read('x = relationship("A", secondary="ab'), [{ keyword: 'secondary', text: 'ab', at: 'ab', alone: true, computed: false }]);
    assert.deepEqual(read('x = relationship("A", secondary='), []);
  });
});
