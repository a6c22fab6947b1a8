/**
 * Preloaded into a benchmarked child process (`node --import tsx --import ./child-rss.ts …`): on
 * exit, writes the process's peak resident set size in kilobytes to the file named by
 * `ENSEMBLE_BENCH_RSS_FILE`.
 *
 * On Linux the peak is `VmHWM` of `/proc/self/status`, the high-water mark of this process's own
 * memory. `process.resourceUsage().maxRSS` is not: Linux carries the parent's peak into a child
 * across fork and exec, so a child of a bench process holding 770 MB reported 770 MB whatever it
 * used. Elsewhere (no `/proc`) `maxRSS` it is, with that caveat.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Peak resident memory of this process, kB. */
function peakRssKb(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]);
  } catch {
    // No /proc: not Linux.
  }
  return process.resourceUsage().maxRSS;
}

const target = process.env.ENSEMBLE_BENCH_RSS_FILE;
if (target !== undefined && target !== '') {
  process.on('exit', () => {
    writeFileSync(target, String(peakRssKb()));
  });
}
