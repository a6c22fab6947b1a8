/** What {@link heatmapLayers} draws: the value field, its colour scale and its labels. */
export interface HeatmapLayersOptions {
  /** The field of each row holding the cell's value (a safe identifier). */
  readonly field: string;
  /** The vega-lite colour scale of the cells. */
  readonly scale: Readonly<Record<string, unknown>>;
  /** The colour legend, or null for none. */
  readonly legend: Readonly<Record<string, unknown>> | null;
  /** The tooltip entries of a cell. */
  readonly tooltip: readonly Readonly<Record<string, unknown>>[];
  /** Width of the white gap between cells and the cells' corner radius, in pixels. */
  readonly gap: number;
  readonly cornerRadius: number;
  /** The d3 format of the value printed in each cell, and its font size. */
  readonly textFormat: string;
  readonly fontSize: number;
  /**
   * The columns of cells across the chart's width, and the narrowest cell (pixels) that prints its
   * value: narrower cells print none (their tooltip still shows it), so that labels never run into
   * each other when the page fits the chart to a narrow panel or many columns share it.
   */
  readonly labelFit?: { readonly columns: number; readonly minCellWidth: number };
  /** Cells whose value is farther than this from `center` print it in white (dark backgrounds). */
  readonly lightTextAbove: number;
  /** The value of the scale's lightest colour; default 0. */
  readonly center?: number;
  /**
   * A field of each row that is true where the cell's value is unbounded (+∞): its colour is the
   * `field` value the caller gives it (the scale's end) and it prints this text (`∞`) instead.
   */
  readonly unbounded?: { readonly field: string; readonly text: string };
}

/** The vega expression of a cell's distance from `center`. */
function distance(field: string, center: number): string {
  return center === 0 ? `abs(datum.${field})` : `abs(datum.${field} - (${center}))`;
}

/**
 * The two layers of a heatmap: coloured cells with a tooltip, and each cell's value printed on
 * it, white where the colour is dark. The caller's spec supplies the data and the x/y encodings.
 */
export function heatmapLayers(options: HeatmapLayersOptions): object[] {
  return [
    {
      mark: { type: 'rect', stroke: '#ffffff', strokeWidth: options.gap, cornerRadius: options.cornerRadius },
      encoding: {
        color: { field: options.field, type: 'quantitative', scale: options.scale, legend: options.legend },
        tooltip: options.tooltip,
      },
    },
    {
      mark: {
        type: 'text',
        fontSize:
          options.labelFit === undefined
            ? options.fontSize
            : { expr: `width / ${String(options.labelFit.columns)} >= ${String(options.labelFit.minCellWidth)} ? ${String(options.fontSize)} : 0` },
      },
      encoding: {
        text:
          options.unbounded === undefined
            ? { field: options.field, type: 'quantitative', format: options.textFormat }
            : { condition: { test: `datum.${options.unbounded.field}`, value: options.unbounded.text }, field: options.field, type: 'quantitative', format: options.textFormat },
        color: { condition: { test: `${distance(options.field, options.center ?? 0)} > ${options.lightTextAbove}`, value: '#ffffff' }, value: '#1f2933' },
      },
    },
  ];
}
