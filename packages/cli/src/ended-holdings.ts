import type { OrchestratorResult } from '@ensemble/orchestrator';
import { echoValue } from '@ensemble/protocol';
import type { EndedSymbol } from './data-source';
import { formatPercent } from './format';

/** Sleeves named in the note; more are counted. */
const NAMED = 3;

/**
 * The note on the sleeves that hold, at the end of a run, a position in a symbol whose data ended
 * before it (see `endedSymbols`), with each one's share of the portfolio, largest first, or null:
 * such a position cannot be sold without a bar, so every rebalance after its last bar keeps the
 * sleeve's capital as it is (`transfer-deferred`) whatever its target — a share of the book the
 * allocation no longer steers. Shared mode: the shared account's positions.
 */
export function endedHoldingsNote(result: OrchestratorResult, ended: readonly EndedSymbol[]): string | null {
  if (ended.length === 0 || !(result.finalEquity > 0)) return null;
  const symbols = new Set(ended.map((entry) => entry.symbol));
  const holders = (result.mode === 'shared' ? [{ id: null, equity: result.finalEquity, positions: result.portfolio.openPositions }] : result.sleeves.map((sleeve) => ({ id: sleeve.id, equity: sleeve.finalEquity, positions: sleeve.openPositions })))
    .map(({ id, equity, positions }) => ({ id, equity, held: positions.filter((position) => symbols.has(position.symbol)) }))
    .filter(({ held }) => held.length > 0)
    .sort((a, b) => b.equity - a.equity);
  if (holders.length === 0) return null;
  const share = (equity: number) => formatPercent(equity / result.finalEquity);
  const names = (held: readonly { readonly symbol: string }[]) => held.map((position) => echoValue(position.symbol)).join(', ');
  if (result.mode === 'shared') {
    const value = holders[0]?.held.reduce((total, position) => total + Math.abs(position.marketValue), 0) ?? 0;
    return `the portfolio ends holding ${names(holders[0]?.held ?? [])}, worth ${share(value)} of it at ${holders.length === 1 ? 'its' : 'their'} last close, which no trade could move after ${holders.length === 1 ? 'its' : 'their'} last bar`;
  }
  if (holders.length === 1) {
    const [{ id, equity, held }] = holders as [(typeof holders)[number]];
    return `sleeve ${echoValue(id ?? '')} ends holding ${names(held)}, whose data ended, with ${share(equity)} of the portfolio: every rebalance after the last bar kept the sleeve's capital as it was (transfer-deferred), whatever its weight asked, so the allocation did not steer that share`;
  }
  const listed = holders.slice(0, NAMED).map(({ id, equity, held }) => `${echoValue(id ?? '')} (${share(equity)} of the portfolio, holding ${names(held)})`);
  const more = holders.length > NAMED ? ` and ${String(holders.length - NAMED)} more` : '';
  return `sleeves ${listed.join(', ')}${more} end holding symbols whose data ended: every rebalance after a symbol's last bar kept its sleeve's capital as it was (transfer-deferred), whatever the weights asked, so the allocation did not steer that share`;
}
