import type { EntrySignal } from '@ensemble/protocol';

/** Shared, frozen entry signals: deciding allocates nothing. */
export const ENTER_LONG: EntrySignal = Object.freeze({ side: 'long' });

/** See {@link ENTER_LONG}. */
export const ENTER_SHORT: EntrySignal = Object.freeze({ side: 'short' });

/** Largest period (bars) a strategy parameter accepts. */
export const MAX_PERIOD = 10_000;
