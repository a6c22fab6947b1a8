import { formatCount } from './format';

/**
 * The note for a result's `orders.levelsCrossed` (the engine's and the orchestrator's): entries
 * whose stop-loss or take-profit was already reached at their fill price, each of which exits at
 * the first check of its levels. Null when there were none. The engine logs each at warn level;
 * without this note a level written on the wrong side of the price cost a run its round trips'
 * costs with nothing said.
 */
export function crossedLevelsNote(count: number | undefined): string | null {
  if (count === undefined || count === 0) return null;
  const one = count === 1;
  return (
    `${one ? '1 entry' : `${formatCount(count)} entries`} filled with ${one ? 'its' : 'their'} stop-loss or take-profit already reached at the fill price, ` +
    `so ${one ? 'it' : 'each'} exited at the first check of its levels, paying costs both ways: a long's stop-loss goes below the price and its take-profit above, a short's the reverse (--log-level warn logs each)`
  );
}
