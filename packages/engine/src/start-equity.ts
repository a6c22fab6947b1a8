/**
 * The equity a run's metrics start from when its first equity point is not it: with `close`
 * fills the first point already holds the first bar's fills and costs, so the run is measured
 * from its `cash` (the `startEquity` of `@ensemble/performance`'s input); with `next-open` fills
 * nothing trades before the first close and the first point is the cash itself: undefined.
 * Loose types, for options read back from JSON as well as resolved ones.
 */
export function metricsStartEquity(options: { readonly fill?: unknown; readonly cash?: unknown }): number | undefined {
  return options.fill === 'close' && typeof options.cash === 'number' && Number.isFinite(options.cash) ? options.cash : undefined;
}
