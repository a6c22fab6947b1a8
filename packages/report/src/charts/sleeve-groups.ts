import type { NullableNumberColumn, ReportInput } from '../report-input';
import { averageWeight } from '../sections';

/** Up to this many sleeves, the sleeve charts draw every one. */
export const ALL_DRAWN = 12;
/** With more sleeves than {@link ALL_DRAWN}, the sleeve charts draw this many one by one and the rest as one group. */
export const LARGEST_DRAWN = 10;
/** Colour of the sleeves drawn as one group ("… others"). */
export const OTHERS_COLOR = '#616e7c';
/** The field key of the grouped sleeves in the charts' data. */
export const OTHERS_KEY = 'others';

/**
 * Which sleeves the sleeve charts draw one by one. A stacked chart of forty colours, or a
 * correlation matrix of three hundred labels, shows nothing: past {@link ALL_DRAWN} sleeves the
 * charts draw the {@link LARGEST_DRAWN} with the largest average weight (over the points where
 * the weights are defined; ties in sleeve order) one by one, in sleeve order and in their own
 * colours, and the others as one group where a chart can sum them. Every sleeve stays in the
 * Sleeves table.
 */
export interface SleeveGroups {
  /** Indices of the sleeves drawn one by one, in sleeve order. */
  readonly shown: readonly number[];
  /** Indices of the others, in sleeve order (empty: every sleeve is drawn). */
  readonly others: readonly number[];
  /** The group's label, e.g. `290 others` ('' when every sleeve is drawn). */
  readonly label: string;
  /** What a caption of a chart that draws the group says about it, ending with a full stop ('' when every sleeve is drawn). */
  readonly note: string;
  /** What a caption of a chart that leaves the others out says ('' when every sleeve is drawn). */
  readonly drawnNote: string;
}

/**
 * The sleeves to show one by one, given each sleeve's weight column (null or NaN where
 * undefined): every sleeve up to {@link ALL_DRAWN}, else the {@link LARGEST_DRAWN} with the
 * largest average weight over the points where it is defined (ties in sleeve order); their
 * indices in sleeve order. The report's charts and the CLI's summary show the same ones.
 */
export function largestSleeves(weights: readonly NullableNumberColumn[]): number[] {
  const every = weights.map((_, index) => index);
  if (weights.length <= ALL_DRAWN) return every;
  const average = weights.map((column) => averageWeight(column) ?? Number.NEGATIVE_INFINITY);
  const ranked = [...every].sort((a, b) => (average[b] ?? 0) - (average[a] ?? 0) || a - b);
  const chosen = new Set(ranked.slice(0, LARGEST_DRAWN));
  return every.filter((index) => chosen.has(index));
}

/** See {@link SleeveGroups}. */
export function sleeveGroups(input: ReportInput): SleeveGroups {
  const count = input.sleeves.length;
  const shown = largestSleeves(input.sleeves.map((sleeve) => sleeve.weight));
  if (shown.length === count) return { shown, others: [], label: '', note: '', drawnNote: '' };
  const chosen = new Set(shown);
  const others = input.sleeves.flatMap((_, index) => (chosen.has(index) ? [] : [index]));
  const label = `${String(others.length)} others`;
  return {
    shown,
    others,
    label,
    note: `${String(count)} sleeves: the ${String(LARGEST_DRAWN)} with the largest average weight are drawn one by one, the other ${String(others.length)} together as “${label}” (every sleeve is in the Sleeves table).`,
    drawnNote: `${String(count)} sleeves: the ${String(LARGEST_DRAWN)} with the largest average weight are drawn (every sleeve is in the Sleeves table).`,
  };
}
