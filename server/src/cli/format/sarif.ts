// SARIF 2.1.0, the format GitHub code scanning and other viewers read. Regions are 1-based and columns count
// UTF-16 code units (SARIF's default `columnKind`, and the unit FK Guard's ranges use), so a column only
// needs the +1. Paths inside the current directory are relative to `%SRCROOT%` (the current directory, which
// in CI is the checkout), so results line up with the repository's files.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALL_RULES, Finding, Range, Severity, UNCHECKED_REASONS, UncheckedReference } from '../../core/types';
import { absolutePath, ScanReport } from './report';
import { RULE_SUMMARIES, ruleHelpUri, UNCHECKED_SUMMARIES } from './ruleDocs';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

function region(r: Range) {
  return {
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  };
}

function artifactLocation(report: ScanReport, file: string): { uri: string; uriBaseId?: string } {
  const abs = absolutePath(report.root, file);
  const rel = path.relative(report.cwd, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function result(report: ScanReport, f: Finding, ruleIndex: number) {
  return {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(report, f.file), region: region(f.range) } }],
    ...(f.related.length > 0
      ? {
          relatedLocations: f.related.map((r, id) => ({
            id,
            physicalLocation: { artifactLocation: artifactLocation(report, r.file), region: region(r.range) },
            message: { text: r.message },
          })),
        }
      : {}),
    ...(f.fixes.length > 0
      ? {
          fixes: f.fixes.map((x) => {
            const byFile = new Map<string, typeof x.edits>();
            for (const e of x.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
            return {
              description: { text: x.title },
              artifactChanges: [...byFile].map(([file, edits]) => ({
                artifactLocation: artifactLocation(report, file),
                replacements: edits.map((e) => ({
                  deletedRegion: region(e.range),
                  insertedContent: { text: e.newText },
                })),
              })),
            };
          }),
        }
      : {}),
    ...(f.reference !== undefined ? { properties: { reference: f.reference } } : {}),
  };
}

/**
 * A reference FK Guard could not check is about the tool, not a result about the code: SARIF's tool
 * execution notification (a note), so code-scanning viewers do not list it as an alert, while a script
 * reading the log still finds each one with its place and reason.
 */
function uncheckedNotification(report: ScanReport, u: UncheckedReference) {
  return {
    level: 'note',
    message: { text: `${u.reference ? `\`${u.reference}\` ` : ''}not checked (${u.reason}): ${u.detail}` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(report, u.file), region: region(u.range) } }],
    descriptor: { id: `unchecked/${u.reason}`, index: UNCHECKED_REASONS.indexOf(u.reason) },
    properties: { reason: u.reason, ...(u.reference !== undefined ? { reference: u.reference } : {}) },
  };
}

export function formatSarif(report: ScanReport): string {
  const rules = ALL_RULES.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: RULE_SUMMARIES[id] },
    // The help travels in the log itself, so a viewer shows it offline; a link only to a page known to exist.
    help: { text: RULE_SUMMARIES[id] },
    ...(report.docsUrl ? { helpUri: ruleHelpUri(report.docsUrl, id) } : {}),
  }));
  const index = new Map<string, number>(ALL_RULES.map((id, i) => [id, i]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'FK Guard',
            ...(report.docsUrl ? { informationUri: report.docsUrl.split('#')[0] } : {}),
            version: report.version,
            semanticVersion: report.version,
            rules,
            notifications: UNCHECKED_REASONS.map((reason) => ({
              id: `unchecked/${reason}`,
              shortDescription: { text: UNCHECKED_SUMMARIES[reason] },
              ...(report.docsUrl ? { helpUri: `${report.docsUrl.split('#')[0]}#unchecked` } : {}),
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: (report.unchecked ?? []).map((u) => uncheckedNotification(report, u)),
          },
        ],
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(report.cwd + path.sep).href } },
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((f) => result(report, f, index.get(f.rule) ?? -1)),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
