import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseConfig } from '../../server/src/core/config';
import { applyEdits, rangeOf } from '../../server/src/core/text';
import { FileFacts, Finding, Fix } from '../../server/src/core/types';
import { createEngine } from '../../server/src/host/python';
import { describeExpectation, describeFinding, expectationsOf, FIXTURES, loadWorkspace } from './harness';

/**
 * Fixture-driven tests. Each folder under test/fixtures/engine is a small workspace (`ws/`) whose files
 * carry caret markers for the findings they must produce; `findings.txt` is the snapshot of every message
 * and fix title; `fixed/` holds each file as it must look after all its preferred fixes. Run with
 * FKGUARD_UPDATE=1 to rewrite the snapshots after a deliberate change (then read the diff).
 */
const UPDATE = process.env.FKGUARD_UPDATE === '1';

function snapshot(findings: Finding[]): string {
  return (
    findings
      .map((f) => {
        const fixes = f.fixes.map((x) => `    fix${x.isPreferred ? '*' : ''}: ${x.title}`).join('\n');
        const related = f.related.map((r) => `    related: ${r.file}:${r.range.start.line + 1} ${r.message}`).join('\n');
        return [`${describeFinding(f)}: ${f.message}`, related, fixes].filter(Boolean).join('\n');
      })
      .join('\n') + '\n'
  );
}

/**
 * The fixes `fixed/` shows applied: the preferred ones, and in migrations the ones `--fix-migrations` takes
 * (offered, never preferred), so every fix that edits history is still applied and checked here.
 */
function applied(fix: Fix): boolean {
  return fix.isPreferred || fix.rewritesHistory?.preferred === true;
}

/** Applies every preferred fix of a file, again and again until none is left (at most 5 rounds). */
async function fixAll(root: string, configRaw: unknown, file: string): Promise<{ text: string; rounds: number }> {
  const { engine, texts } = await loadWorkspace(root, parseConfig(configRaw, 'config.json').config);
  let text = texts.get(file)!;
  let rounds = 0;
  for (; rounds < 5; rounds++) {
    const edits = engine
      .findings(file)
      .flatMap((f) => f.fixes.filter(applied).slice(0, 1))
      .flatMap((x) => x.edits.filter((e) => e.file === file));
    if (edits.length === 0) break;
    // Like the CLI: keep edits that do not overlap one already taken; the next round picks up the rest.
    const taken: typeof edits = [];
    for (const e of edits) {
      const overlaps = taken.some(
        (t) =>
          !(e.range.end.line < t.range.start.line || (e.range.end.line === t.range.start.line && e.range.end.character <= t.range.start.character)) &&
          !(t.range.end.line < e.range.start.line || (t.range.end.line === e.range.start.line && t.range.end.character <= e.range.start.character)) &&
          !(e.range.start.line === t.range.start.line && e.range.start.character === t.range.start.character && e.newText === t.newText),
      );
      if (!overlaps) taken.push(e);
    }
    const next = applyEdits(text, taken);
    if (next === text) break;
    text = next;
    engine.updateFile(file, text);
  }
  engine.dispose();
  return { text, rounds };
}

/**
 * The reference a finding on `line` is about: the one whose lines are nearest (a type-mismatch sits on the
 * column's type, a line away from its `ForeignKey` in a multi-line call), the first on a tie.
 */
function nearestReference(facts: FileFacts, line: number): number {
  let best = -1;
  let bestDistance = Infinity;
  for (const [i, r] of facts.references.entries()) {
    const range = rangeOf(facts.lineStarts, r.span);
    const d = line < range.start.line ? range.start.line - line : line > range.end.line ? line - range.end.line : 0;
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  }
  return bestDistance <= 3 ? best : -1;
}

describe('engine fixtures', () => {
  const cases = existsSync(FIXTURES) ? readdirSync(FIXTURES).sort() : [];
  it('has fixture cases', () => assert.ok(cases.length >= 8, `only ${cases.length} cases`));
  for (const name of cases) {
    describe(name, () => {
      const dir = join(FIXTURES, name);
      const ws = join(dir, 'ws');
      const configPath = join(dir, 'config.json');
      const configRaw = existsSync(configPath) ? JSON.parse(readFileSync(configPath, 'utf8')) : undefined;

      it('reports exactly the marked findings', async () => {
        const parsed = parseConfig(configRaw, 'config.json');
        assert.deepEqual(parsed.errors, []);
        const { engine, texts } = await loadWorkspace(ws, parsed.config);
        const expected = [...texts].flatMap(([file, text]) => expectationsOf(file, text)).map(describeExpectation).sort();
        const findings = engine.allFindings();
        const actual = findings.map(describeFinding).sort();
        assert.deepEqual(actual, expected);
        const snapPath = join(dir, 'findings.txt');
        const snap = snapshot(findings);
        if (UPDATE || !existsSync(snapPath)) writeFileSync(snapPath, snap);
        assert.equal(snap, readFileSync(snapPath, 'utf8'), 'messages differ from findings.txt (FKGUARD_UPDATE=1 to accept)');
        engine.dispose();
      });

      it('counts every reference it could not check, with the reason', async () => {
        const { engine } = await loadWorkspace(ws, parseConfig(configRaw, 'config.json').config);
        const unchecked = engine.allUnchecked();
        const stats = engine.stats();
        assert.equal(stats.unchecked.total, unchecked.length);
        assert.equal(stats.checked + stats.unchecked.total, stats.references);
        const lines = unchecked.map((u) => `${u.file}:${u.range.start.line + 1}:${u.range.start.character} ${u.reason} ${u.reference ?? '-'}: ${u.detail}`);
        const snap = `${stats.checked} checked, ${stats.unchecked.total} unchecked\n${lines.map((l) => `${l}\n`).join('')}`;
        const snapPath = join(dir, 'unchecked.txt');
        if (UPDATE || !existsSync(snapPath)) writeFileSync(snapPath, snap);
        assert.equal(snap, readFileSync(snapPath, 'utf8'), 'unchecked references differ from unchecked.txt (FKGUARD_UPDATE=1 to accept)');
        engine.dispose();
      });

      it('every offered fix, applied, leaves the reference it fixes with no finding', async () => {
        const config = parseConfig(configRaw, 'config.json').config;
        const { engine, texts } = await loadWorkspace(ws, config);
        const failures: string[] = [];
        for (const file of [...texts.keys()]) {
          const facts = engine.getFacts(file);
          if (!facts) continue;
          for (const finding of engine.findings(file)) {
            const ref = nearestReference(facts, finding.range.start.line);
            if (ref < 0) continue;
            for (const fix of finding.fixes) {
              const edited = new Map(texts);
              for (const [f, t] of texts) {
                const edits = fix.edits.filter((e) => e.file === f);
                if (edits.length > 0) edited.set(f, applyEdits(t, edits));
              }
              const after = await createEngine(config);
              for (const [f, t] of edited) after.updateFile(f, t);
              const newFacts = after.getFacts(file);
              // A parse error is about the file, not the reference (a fixture may hold half-typed code).
              const left = newFacts
                ? after.findings(file).filter((x) => x.rule !== 'parse-error' && nearestReference(newFacts, x.range.start.line) === ref)
                : [];
              if (left.length > 0) {
                failures.push(`${describeFinding(finding)} fix "${fix.title}" leaves ${left.map((x) => `${x.rule}: ${x.message}`).join('; ')}`);
              }
              // A fix that rewrites the reference must leave one FK Guard can check: an edit that breaks the
              // expression (an unresolved name, a target it cannot read) has no finding, and is still broken.
              if (!fix.title.startsWith('Ignore') && newFacts) {
                const lost = after.allUnchecked().filter((u) => u.file === file && nearestReference(newFacts, u.range.start.line) === ref);
                if (lost.length > 0) failures.push(`${describeFinding(finding)} fix "${fix.title}" leaves the reference unchecked: ${lost.map((u) => `${u.reason}: ${u.detail}`).join('; ')}`);
              }
              after.dispose();
            }
          }
        }
        engine.dispose();
        assert.deepEqual(failures, []);
      });

      it('fixes every file into its expected form, idempotently, leaving code that parses', async () => {
        const { engine, texts } = await loadWorkspace(ws, parseConfig(configRaw, 'config.json').config);
        const withFixes = [...texts.keys()].filter((f) => engine.findings(f).some((x) => x.fixes.some(applied)));
        const before = new Map(withFixes.map((f) => [f, engine.findings(f)]));
        // Every file's findings before any fix: a fix must not break a key elsewhere (a column it retypes that
        // another file's key references, R13-20).
        const everywhere = new Map([...texts.keys()].map((f) => [f, engine.findings(f)]));
        engine.dispose();
        for (const file of withFixes) {
          const { text } = await fixAll(ws, configRaw, file);
          const expectedPath = join(dir, 'fixed', file);
          if (UPDATE || !existsSync(expectedPath)) {
            mkdirSync(dirname(expectedPath), { recursive: true });
            writeFileSync(expectedPath, text);
          }
          assert.equal(text, readFileSync(expectedPath, 'utf8'), `${file} after fixes differs from fixed/${file}`);
          // Applying the fixes again changes nothing, and the result parses.
          const check = await createEngine(parseConfig(configRaw, 'config.json').config);
          for (const [f, t] of texts) check.updateFile(f, f === file ? text : t);
          const errorsBefore = (await loadWorkspace(ws)).engine.getFacts(file)?.errors.length ?? 0;
          if (errorsBefore === 0) assert.deepEqual(check.getFacts(file)?.errors ?? [], [], `${file} does not parse after fixes`);
          const again = check.findings(file).flatMap((f) => f.fixes.filter(applied));
          assert.deepEqual(again.map((x) => x.title), [], `${file}: fixes left after fixing`);
          // The fixed file passes every rule: what is left are only findings that had no fix to apply (a
          // not-unique target, a suppressed line), never a new one, per rule.
          const count = (list: Finding[]) => {
            const m = new Map<string, number>();
            for (const x of list) if (x.rule !== 'parse-error') m.set(x.rule, (m.get(x.rule) ?? 0) + 1);
            return m;
          };
          const unfixable = count(before.get(file)!.filter((x) => !x.fixes.some(applied)));
          for (const [rule, n] of count(check.findings(file))) {
            assert.ok(n <= (unfixable.get(rule) ?? 0), `${file}: ${n} ${rule} after fixing, ${unfixable.get(rule) ?? 0} without a fix before`);
          }
          // Nor do the other files gain a finding (per rule) from this file's fixes.
          for (const other of texts.keys()) {
            if (other === file) continue;
            const had = count(everywhere.get(other)!);
            for (const [rule, n] of count(check.findings(other))) {
              assert.ok(n <= (had.get(rule) ?? 0), `${other}: ${n} ${rule} after fixing ${file}, ${had.get(rule) ?? 0} before`);
            }
          }
          check.dispose();
        }
      });
    });
  }
});
