// `fkguard index`: the schema index as FK Guard sees it, for checking what it understood.

import { scanWorkspace } from '../host/scan';
import { IndexFormat } from './args';
import { formatIndexJson, formatIndexText } from './format/schemaIndex';
import { CliIo, EXIT_OK } from './io';
import { prepare, reportSkipped } from './shared';

export async function indexCommand(
  io: CliIo,
  opts: { path: string; format: IndexFormat; config?: string; quiet: boolean },
): Promise<number> {
  const { roots, config } = await prepare(io, [opts.path], opts.config, opts.quiet);
  const scan = await scanWorkspace({ roots, config, oneShot: true });
  reportSkipped(io, scan.base, scan.skipped, opts.quiet);
  const schema = scan.engine.schema();
  io.stdout(opts.format === 'json' ? formatIndexJson(scan.base, schema) : formatIndexText(scan.base, io.cwd, schema));
  return EXIT_OK;
}
