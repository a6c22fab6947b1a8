import type { TopLevelSpec } from 'vega-lite';
import type { TimeFormat } from '../time';

/**
 * A vega-lite spec (vega-lite's `TopLevelSpec`), typed as an object: vega-lite's own types
 * reference the DOM's (`Element`, `HTMLElement`), which a Node project compiling without the DOM
 * library and without `skipLibCheck` would fail on. Cast it to `TopLevelSpec` to read it as one.
 */
export type VegaLiteSpec = object;

/** A chart's spec, checked as vega-lite's `TopLevelSpec` where it is written and handed on as a {@link VegaLiteSpec}. */
export function vegaLite(spec: TopLevelSpec): VegaLiteSpec {
  return spec;
}

/** Identifiers of the charts a report can hold. */
export type ChartId =
  | 'equity'
  | 'drawdown'
  | 'sleeve-equity'
  | 'weights'
  | 'monthly-returns'
  | 'rolling-sharpe'
  | 'correlation'
  | 'contribution'
  | 'attribution';

/** A chart of a report: its id, a title, a caption and a vega-lite spec with its data inlined. */
export interface ReportChart {
  readonly id: ChartId;
  readonly title: string;
  readonly caption: string;
  readonly spec: VegaLiteSpec;
}

/** Longest span of a run of dates whose time axes tick at its bars: 10 days. */
export const FEW_DAYS_MS = 10 * 86_400_000;

/** Options of {@link buildCharts}. */
export interface ChartOptions {
  /**
   * Overall width in pixels, axes included. In the HTML report the page recomputes it from the
   * width of the chart's element (each spec's `usermeta.reserve` is the room kept for its axes).
   */
  readonly width: number;
  /** Curves longer than this are downsampled for drawing (see `downsampleIndices`). */
  readonly maxPoints: number;
  readonly timeFormat: TimeFormat;
  /**
   * Times the time axes tick at, instead of vega's choice. Unless given, {@link buildCharts} sets
   * it to the bars of a run of dates spanning at most {@link FEW_DAYS_MS}, where vega would tick
   * hours of the day (`03 AM`, `06 AM`) between two daily bars.
   */
  readonly tickTimes?: readonly number[];
  /** Draw a white background (for stand-alone SVG); transparent otherwise. */
  readonly background?: boolean;
  /** Add hover rules and tooltips (for the browser); static charts leave them out. Default true. */
  readonly interactive?: boolean;
}
