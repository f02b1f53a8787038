import { rangeOf } from '../text';
import type { Span, TextEdit, TypeWriter } from '../types';
import { prismaTypeFor } from './types';

/**
 * Rewrites a Prisma field's type: the scalar token (keeping `?`) and the `@db.*` attribute, which is
 * replaced, added after the field's attributes, or removed when the scalar's default already is the target
 * type: `authorId Int @map("author_id")` → `authorId String @map("author_id") @db.Uuid`.
 */
export const writePrismaType: TypeWriter = (facts, _column, type, target) => {
  const spelled = prismaTypeFor(target);
  if (!spelled || !type.span) return undefined;
  const edit = (span: Span, newText: string): TextEdit => ({ file: facts.file, range: rangeOf(facts.lineStarts, span), newText });
  const modifier = type.text.slice(type.name.length).split(' ')[0];
  const native = spelled.native ? `@db.${spelled.native}` : undefined;
  const edits: TextEdit[] = [edit(type.span, spelled.scalar)];
  // The native span is the attribute with the blanks before it, or the empty place one goes.
  if (type.nativeSpan && (native || type.nativeSpan.end > type.nativeSpan.start)) edits.push(edit(type.nativeSpan, native ? ` ${native}` : ''));
  return { edits, written: `${spelled.scalar}${modifier}${native ? ` ${native}` : ''}` };
};
