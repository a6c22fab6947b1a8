// A queue worker as its own process, for the distributed tests: `--url U --id I [--concurrency N]
// [--strategies-dir D] [--prefix P] [--cache-dir C]`. Prints "ready" once attached; SIGTERM closes it.
import { parseArgs } from 'node:util';
import type { Logger } from '@ensemble/protocol';
import { startRedisWorker } from '../src/redis-worker';

// Every event as a JSON line on stderr, debug included: the tests read it for leaked secrets.
function jsonLogger(bindings: Record<string, unknown>): Logger {
  const log =
    (level: string) =>
    (fields: object | string, message?: string): void => {
      const record = typeof fields === 'string' ? { msg: fields } : { ...fields, msg: message };
      process.stderr.write(`${JSON.stringify({ level, ...bindings, ...record })}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (more) => jsonLogger({ ...bindings, ...more }) };
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    id: { type: 'string' },
    prefix: { type: 'string', default: 'ensemble' },
    concurrency: { type: 'string', default: '1' },
    'strategies-dir': { type: 'string' },
    'cache-dir': { type: 'string' },
  },
});
const worker = await startRedisWorker({
  url: values.url ?? '',
  prefix: values.prefix,
  workerId: values.id ?? 'worker',
  concurrency: Number(values.concurrency),
  ...(values['strategies-dir'] === undefined ? {} : { strategiesDir: values['strategies-dir'] }),
  ...(values['cache-dir'] === undefined ? {} : { cacheDir: values['cache-dir'] }),
  lockDurationMs: 2_000,
  stalledIntervalMs: 1_000,
  closeTimeoutMs: 5_000,
  logger: jsonLogger({}),
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
