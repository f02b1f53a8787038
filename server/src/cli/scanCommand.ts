// `fkguard scan`: scan, optionally fix, print in the chosen format, and say by the exit code whether errors
// remain.

// `promises` is read where it is used, by --fix: Node loads fs/promises on that first read (see cli/shared.ts).
import { promises as fsp } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Finding } from '../core/types';
import { planFixes, writeFixes } from '../host/applyFixes';
import { makeDirectory } from '../host/factsCache';
import { scanWorkspace, ScanResult } from '../host/scan';
import { ScanFormat } from './args';
import { formatGithub } from './format/github';
import { formatJson } from './format/json';
import { displayPath, plural, ScanReport } from './format/report';
import { formatSarif } from './format/sarif';
import { formatText, formatUnchecked } from './format/text';
import { CliFailure, CliIo, EXIT_FINDINGS, EXIT_OK } from './io';
import { prepare, reportSkipped } from './shared';
import { readReportTexts } from './reportTexts';

export interface ScanCommandOptions {
  paths: string[];
  format: ScanFormat;
  fix: boolean;
  /** With `fix`: also apply fixes that edit migrations. */
  fixMigrations?: boolean;
  config?: string;
  quiet: boolean;
  /** Keep parsed facts between runs: `true` in the user cache folder, a folder, or `false` for none. */
  cache: boolean | string;
  /** A scan that reads no file exits 0 instead of 2. */
  allowEmpty?: boolean;
  /** Follow symlinks that stay inside the scanned folders (default true). */
  followSymlinks?: boolean;
  version: string;
  docsUrl?: string;
  explain?: 'unchecked';
  /** Threads that may parse at once; overrides the config's `jobs`. */
  jobs?: number;
}

async function toReport(io: CliIo, scan: ScanResult, opts: ScanCommandOptions): Promise<ScanReport> {
  const { findings, unchecked, stats } = scan.conclusions();
  // Only the text and GitHub formats quote source text, and only for the files some fix edits.
  const quotes = opts.format === 'text' || opts.format === 'github';
  const texts = quotes ? await readReportTexts(scan.files, findings, scan.config.maxFileSize) : undefined;
  if (texts?.changed.length && !opts.quiet) {
    const shown = texts.changed.slice(0, 5).map((f) => displayPath({ root: scan.base, cwd: io.cwd }, f));
    const more = texts.changed.length > shown.length ? ` and ${texts.changed.length - shown.length} more` : '';
    io.stderr(
      `fkguard: note: ${plural(texts.changed.length, 'file')} changed since ${texts.changed.length === 1 ? 'it was' : 'they were'} read (${shown.join(', ')}${more}): ` +
        `their fixes are described by title, not by the text they replace.\n`,
    );
  }
  return {
    root: scan.base,
    cwd: io.cwd,
    findings,
    unchecked,
    stats: { ...stats, ms: scan.ms },
    version: opts.version,
    docsUrl: opts.docsUrl,
    textOf: (file) => texts?.textOf(file),
  };
}

function render(report: ScanReport, format: ScanFormat, quiet: boolean): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report);
    case 'github':
      return formatGithub(report, { quiet });
    case 'text':
      return formatText(report, { quiet });
  }
}

function where(io: CliIo, base: string, f: Finding): string {
  return `${displayPath({ root: base, cwd: io.cwd }, f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
}

export async function scanCommand(io: CliIo, opts: ScanCommandOptions): Promise<number> {
  const { roots, config } = await prepare(io, opts.paths, opts.config, opts.quiet);
  // Texts are kept when a fix must be checked against them. The text and GitHub formats show a fix's replacement
  // next to its finding: they read the few files that takes again after the scan (see reportTexts.ts), and tell
  // by the hashes kept here whether a file still holds the text that was analysed.
  const retainText = opts.fix;
  const keepHashes = opts.format === 'text' || opts.format === 'github';
  const cache = typeof opts.cache === 'string' ? resolve(io.cwd, opts.cache) : opts.cache;
  if (typeof cache === 'string') {
    // A folder the user named must work; the default one only ever costs speed when it does not.
    try {
      makeDirectory(cache);
    } catch (err) {
      throw new CliFailure(`cannot use the cache folder ${opts.cache}: ${(err as Error).message}.`);
    }
  }
  // The scan whose fixes are written parses every file: no edit's text may come from a cache.
  const followSymlinks = opts.followSymlinks ?? true;
  const jobs = opts.jobs;
  // Without --fix nothing but the report reads the scan, so the conclusions of an earlier scan of the same facts
  // may stand in for the engine's (see `ScanOptions.reuseConclusions`).
  let scan = await scanWorkspace({
    roots,
    config,
    retainText,
    keepHashes,
    cache,
    cacheMode: opts.fix ? 'fresh' : 'read-write',
    followSymlinks,
    oneShot: true,
    jobs,
    reuseConclusions: !opts.fix,
  });
  if (scan.cacheProblem && !opts.quiet) {
    io.stderr(`fkguard: note: ${scan.cacheProblem}; it was not used: every file was parsed again, and the cache written anew.\n`);
  }
  reportSkipped(io, scan.base, scan.skipped, opts.quiet);

  if (opts.fix) {
    const before = scan.engine.allFindings();
    const plan = planFixes(before, { fixMigrations: opts.fixMigrations });
    const files = new Map(scan.files.map((f) => [f.id, f]));
    // Nothing is written outside the folders (or next to the files) named on the command line.
    const within = await Promise.all(roots.map(async (r) => fsp.realpath((await fsp.stat(r)).isFile() ? dirname(r) : r)));
    const result = await writeFixes(
      plan,
      (id) => {
        const f = files.get(id);
        return f?.text === undefined ? undefined : { absPath: f.absPath, text: f.text, bom: f.bom };
      },
      { within },
    );
    // The scan after the fixes is the truth about what remains; the engine re-reads every file.
    scan = await scanWorkspace({ roots, config, retainText, keepHashes, engine: scan.engine, cache, followSymlinks, jobs });
    const after = scan.engine.allFindings();
    // Progress notes go to stderr for machine formats, so stdout stays one valid document.
    const note = opts.format === 'text' ? io.stdout : io.stderr;
    const lines: string[] = [];
    const edits = result.written.reduce((n, w) => n + w.edits, 0);
    lines.push(
      result.written.length > 0
        ? `fixed: ${plural(edits, 'edit')} in ${plural(result.written.length, 'file')}; ${plural(before.length, 'finding')} before, ${after.length} now`
        : `fixed: nothing was changed; ${plural(before.length, 'finding')} before, ${after.length} now`,
    );
    for (const w of result.written) lines.push(`  changed ${displayPath({ root: scan.base, cwd: io.cwd }, w.file)} (${plural(w.edits, 'edit')})`);
    for (const f of result.failed) lines.push(`  not changed ${displayPath({ root: scan.base, cwd: io.cwd }, f.file)}: ${f.reason}`);
    for (const c of plan.conflicts) {
      lines.push(`  not fixed yet ${where(io, scan.base, c.finding)} ${c.finding.rule}: overlaps another fix; run --fix again`);
    }
    if (!opts.quiet || opts.format === 'text') note(lines.join('\n') + '\n');
  }

  const report = await toReport(io, scan, opts);
  io.stdout(render(report, opts.format, opts.quiet));
  // The list goes to stdout after a text report, to stderr after a machine format (stdout stays one document).
  if (opts.explain === 'unchecked') (opts.format === 'text' ? io.stdout : io.stderr)(formatUnchecked(report));
  if (scan.cancelled) throw new CliFailure('the scan was interrupted.');
  if (scan.files.length === 0 && !opts.allowEmpty) {
    // A CI job must not pass on nothing: a wrong path, an ignore rule or an include glob that matches no file.
    const skipped = scan.skipped.length > 0 ? ` (${plural(scan.skipped.length, 'file or folder', 'files or folders')} skipped${opts.quiet ? '' : ', listed above'})` : '';
    throw new CliFailure(
      `no files to check under ${opts.paths.join(', ')}${skipped}: nothing was checked. Pass --allow-empty if that is expected.`,
    );
  }
  return report.findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}
