// The custom messages between the FK Guard server and its clients. Plain types only, so the VS Code client can
// import this file without pulling in the server.

/** `fkguard/scanWorkspace`: re-reads every folder from disk and answers with counts. */
export const ScanWorkspaceMethod = 'fkguard/scanWorkspace';

export interface ScanWorkspaceResult {
  folders: number;
  files: number;
  parsedFiles: number;
  tables: number;
  references: number;
  unresolved: number;
  /** References checked with certainty, and those that were not, by reason (see the README's "Unchecked"). */
  checked: number;
  unchecked: { total: number; byReason: Record<string, number> };
  problems: { error: number; warning: number; info: number };
  ms: number;
}

/**
 * `fkguard/pullSchema`: reads a live PostgreSQL database's tables (as `fkguard pull-schema` does) and answers with
 * the SQL file's text; the client writes it where the user wants it. A failure is a ResponseError whose message
 * says why in one sentence.
 */
export const PullSchemaMethod = 'fkguard/pullSchema';

export interface PullSchemaParams {
  /** postgresql://user@host:port/database */
  url: string;
  /** Only these schemas; default: all but PostgreSQL's own. */
  schemas?: string[];
}

/** The SQL file's text, the number of tables, where they were read (host:port/database) and the server's version. */
export interface PullSchemaResult {
  text: string;
  tables: number;
  where: string;
  server: string;
}

/** `fkguard/schemaIndex`: the schema index of every folder, with file ids turned into URIs. */
export const SchemaIndexMethod = 'fkguard/schemaIndex';

export interface SchemaIndexResult {
  folders: Array<{ uri: string; name: string; tables: SchemaIndexTable[] }>;
}

export interface SchemaIndexTable {
  key: string;
  name: string;
  schema?: string;
  definitions: Array<{ uri: string; range: RangeLike; origin: string; className?: string }>;
  columns: Array<{
    name: string;
    type?: string;
    sqlType?: string;
    primaryKey: boolean;
    unique: boolean;
    nullable?: boolean;
    uri: string;
    range: RangeLike;
  }>;
}

/**
 * `fkguard/schemaGraph`: the schema index of every folder with its foreign keys as edges between tables, for the
 * Schema view and the diagram. An edge is `broken` where a rule reports its target missing.
 */
export const SchemaGraphMethod = 'fkguard/schemaGraph';

export interface SchemaGraphResult {
  folders: Array<{ uri: string; name: string; tables: SchemaIndexTable[]; foreignKeys: SchemaGraphEdge[] }>;
}

export interface SchemaGraphEdge {
  /** Where the reference is written. */
  uri: string;
  range: RangeLike;
  /** Table keys (`schema.name` or `name`) as in `SchemaIndexTable.key`, and column names. */
  from?: { table: string; column?: string };
  to?: { table: string; column?: string };
  display: string;
  state: 'ok' | 'broken' | 'unchecked';
}

/** `fkguard/status` (server → client notification): the index state, for a status item. */
export const StatusNotificationMethod = 'fkguard/status';

export interface StatusParams {
  state: 'indexing' | 'ready' | 'error';
  message?: string;
  tables: number;
  references: number;
  /** References FK Guard could not check with certainty, among the files checked so far. */
  unchecked?: number;
  problems: number;
}

/** What the server accepts in `initializationOptions`; all optional. */
export interface InitializationOptions {
  /** Overrides the `fkguard.debounce` setting for every document (tests set 0). */
  debounce?: number;
  /** Registers `fkguard/test/fail`, whose handler throws, so tests can prove a fault is contained. */
  testRequests?: boolean;
  /**
   * Sends `fkguard/timing` after each analysis of an edited document: the time in the server from the last
   * didChange to its diagnostics written, wall and CPU (the benchmark reads it; a loaded machine's wall time
   * seen from the client includes waiting for a core).
   */
  timings?: boolean;
  /**
   * Milliseconds from the last file saved or changed on disk to the scan that brings the facts cache and stored
   * conclusions up to date (default 2,000; tests set 0).
   */
  cacheWriteDelay?: number;
  /** How long shutdown waits for the session scans it brings forward, ms (default 1500; see `Server.flushSessions`). */
  shutdownFlushMs?: number;
}

/** `fkguard/timing` (server → client, only with `timings`): one analysis of an edited document, in ms. */
export const TimingNotificationMethod = 'fkguard/timing';

export interface TimingParams {
  uri: string;
  version: number;
  /** From the didChange's arrival to its diagnostics handed to the connection. */
  wallMs: number;
  /** CPU of the whole process (every thread) over the same stretch. */
  cpuMs: number;
  /** Wall time of the parts: the engine's update (parse, facts, index) and the findings with their diagnostics. */
  updateMs: number;
  publishMs: number;
}

/** `fkguard/requestTiming` (server → client, only with `timings`): one request's time in the server. */
export const RequestTimingNotificationMethod = 'fkguard/requestTiming';

export interface RequestTimingParams {
  method: string;
  /** When the handler began, as `performance.timeOrigin + performance.now()` (ms since the epoch, fractional). */
  receivedAt: number;
  /** Handler start to the answer handed to the connection: wall, and CPU of the whole process. */
  wallMs: number;
  cpuMs: number;
  /** Garbage collection pauses during the handler, and in the 100 ms before it began. */
  gcMs: number;
  gcBeforeMs: number;
  /** Those pauses: kind (`PerformanceEntry.detail.kind`: 1 minor, 4 major, 8 incremental, 16 weak callbacks), start relative to the handler's, duration. */
  gcs: Array<[kind: number, startMs: number, ms: number]>;
}

export const TestFailMethod = 'fkguard/test/fail';

interface RangeLike {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
