/**
 * Preloaded into a benchmarked child process (`node --import tsx --import ./child-rss.ts …`): on
 * exit, writes the process's peak resident set size in kilobytes (`process.resourceUsage().maxRSS`)
 * to the file named by `ENSEMBLE_BENCH_RSS_FILE`.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.ENSEMBLE_BENCH_RSS_FILE;
if (target !== undefined && target !== '') {
  process.on('exit', () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS));
  });
}
