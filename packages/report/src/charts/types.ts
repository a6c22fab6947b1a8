import type { TopLevelSpec } from 'vega-lite';
import type { TimeFormat } from '../time';

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
  readonly spec: TopLevelSpec;
}

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
  /** Draw a white background (for stand-alone SVG); transparent otherwise. */
  readonly background?: boolean;
  /** Add hover rules and tooltips (for the browser); static charts leave them out. Default true. */
  readonly interactive?: boolean;
}
