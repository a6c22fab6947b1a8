import { DataValidationError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { parseTimeOfDay } from './clock-checks';
import { parseMarketData } from './parse';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function problemsOf(text: string, options: Parameters<typeof parseMarketData>[1] = {}): [number | undefined, string | undefined, string, string][] {
  try {
    parseMarketData(text, options);
  } catch (error) {
    if (DataValidationError.isInstance(error)) return error.problems.map((p) => [p.row, p.field, p.rule, p.message]);
    throw error;
  }
  throw new Error('expected the data to be refused');
}

describe('parseTimeOfDay', () => {
  it('reads clock times, compact digits and AM/PM, to the millisecond', () => {
    // Each figure by hand: hours × 3,600,000 + minutes × 60,000 + seconds × 1,000 + milliseconds.
    const cases: [string, number][] = [
      ['9:30', 9 * HOUR + 30 * MINUTE],
      ['09:30', 9 * HOUR + 30 * MINUTE],
      ['00:00', 0],
      ['23:59:59', 86_399_000],
      ['09:30:15', 34_215_000],
      ['09:30:15.25', 34_215_250],
      ['09:30:15.123999', 34_215_123],
      ['930', 9 * HOUR + 30 * MINUTE],
      ['0930', 9 * HOUR + 30 * MINUTE],
      ['1600', 16 * HOUR],
      ['93015', 34_215_000],
      ['093015', 34_215_000],
      ['12:05 AM', 5 * MINUTE],
      ['12:05 PM', 12 * HOUR + 5 * MINUTE],
      ['1:00 pm', 13 * HOUR],
      ['11:59:59 p.m.', 86_399_000],
      ['0930AM', 9 * HOUR + 30 * MINUTE],
    ];
    for (const [text, expected] of cases) expect(parseTimeOfDay(text), text).toBe(expected);
  });

  it('refuses what is no time of day', () => {
    for (const text of ['24:00', '9:60', '09:30:60', '13:00 PM', '0:30 AM', '9.30', '9', '12345678', '09:30 XM', 'noon', '', '-1:00', '09:3']) {
      expect(parseTimeOfDay(text), text).toBeNaN();
    }
  });
});

describe('a Date,Time file', () => {
  it('gives the bars a single date-time column gives, in every layout, and says the columns were joined', () => {
    const joined = parseMarketData('Date,Time,Open,High,Low,Close,Volume\n2024-01-02,09:30,100,101,99,100.5,1000\n2024-01-02,09:31,100.5,101,100,100.8,1200\n2024-01-03,093000,101,102,100,101.5,900\n');
    // (AM/PM beside 24-hour times is refused: see the test of mixed clocks.)
    const single = parseMarketData('Date,Open,High,Low,Close,Volume\n2024-01-02 09:30,100,101,99,100.5,1000\n2024-01-02 09:31,100.5,101,100,100.8,1200\n2024-01-03T09:30:00Z,101,102,100,101.5,900\n');
    expect(Array.from(joined.series[0]?.time ?? [])).toEqual(Array.from(single.series[0]?.time ?? []));
    expect(Array.from(joined.series[0]?.close ?? [])).toEqual([100.5, 100.8, 101.5]);
    expect(joined.notes).toContain('dates of "Date" joined with the times of day of "Time" (read as UTC, as a date-time without an offset is)');
    expect((joined.notes ?? []).some((note) => note.includes('ignored'))).toBe(false);

    const wide = parseMarketData('Date,Time,AAA,BBB\n2024-01-02,09:30,10,20\n2024-01-02,09:31,11,21\n');
    expect(wide.timeline.symbols).toEqual(['AAA', 'BBB']);
    expect(Array.from(wide.series[1]?.time ?? [])).toEqual([Date.parse('2024-01-02T09:30:00Z'), Date.parse('2024-01-02T09:31:00Z')]);
    expect(Array.from(wide.series[1]?.close ?? [])).toEqual([20, 21]);

    const long = parseMarketData('Symbol,Date,Time,Close\nAAA,2024-01-02,0930,10\nBBB,2024-01-02,0930,20\nAAA,2024-01-02,0931,11\n');
    expect(Array.from(long.series.find((s) => s.symbol === 'AAA')?.time ?? [])).toEqual([Date.parse('2024-01-02T09:30:00Z'), Date.parse('2024-01-02T09:31:00Z')]);
  });

  it('reads every minute of a day, with and without a leading zero and with seconds, as the ISO date-times of the same bars', () => {
    let joined = 'Date,Time,Close\n';
    let single = 'Date,Close\n';
    for (let minute = 0; minute < 1440; minute++) {
      const hours = Math.floor(minute / 60);
      const mm = String(minute % 60).padStart(2, '0');
      const ss = String((minute * 7) % 60).padStart(2, '0');
      const hh = String(hours).padStart(2, '0');
      // Three writings in turn: `9:05`, `09:05`, `09:05:35`.
      const time = minute % 3 === 0 ? `${hours}:${mm}` : minute % 3 === 1 ? `${hh}:${mm}` : `${hh}:${mm}:${ss}`;
      joined += `2024-03-05,${time},${minute + 1}\n`;
      single += `2024-03-05T${hh}:${mm}:${minute % 3 === 2 ? ss : '00'}Z,${minute + 1}\n`;
    }
    const a = parseMarketData(joined).series[0];
    const b = parseMarketData(single).series[0];
    expect(a?.length).toBe(1440);
    expect(Array.from(a?.time ?? [])).toEqual(Array.from(b?.time ?? []));
  });

  it('names the row and column of a time of day that is empty or wrong, and of a date that has a time of its own', () => {
    expect(problemsOf('Date,Time,Close\n2024-01-02,09:30,1\n2024-01-02,,2\n2024-01-02,25:00,3\n2024-01-03 10:00,09:30,4\n')).toEqual([
      [3, 'Time', 'missing-value', 'the time of day is empty; every row of a file with a "Time" column needs one'],
      [4, 'Time', 'bad-date', '"25:00" is not a time of day; use HH:MM, HH:MM:SS (with fractions of a second if any), HHMM or HHMMSS, on a 24-hour clock or with AM/PM'],
      [5, 'Date', 'bad-date', '"2024-01-03 10:00" has a time of day, and the "Time" column gives one too: keep the date alone in "Date" (the two columns are joined)'],
    ]);
  });

  it('refuses a date written with a time beside a time column even when that time is midnight UTC, rather than read a day later', () => {
    const advice = (value: string) => `"${value}" has a time of day, and the "Time" column gives one too: keep the date alone in "Date" (the two columns are joined)`;
    // 19:00 at UTC−5 on January 1 is midnight UTC of January 2: with 09:30 added, a bar a day after the date written.
    expect(problemsOf('Date,Time,Close\n2024-01-01T19:00:00-05:00,09:30,1\n"2024-01-02 00:00:00",09:30,2\n2024-01-03T00:00:00Z,09:30,3\n')).toEqual([
      [2, 'Date', 'bad-date', advice('2024-01-01T19:00:00-05:00')],
      [3, 'Date', 'bad-date', advice('2024-01-02 00:00:00')],
      [4, 'Date', 'bad-date', advice('2024-01-03T00:00:00Z')],
    ]);
    // Dates alone, quoted or written out, are joined as before.
    const data = parseMarketData('Date,Time,Close\n"2024-01-02",09:30,1\nJan 3 2024,09:30,2\n');
    expect(Array.from(data.series[0]?.time ?? [])).toEqual([Date.parse('2024-01-02T09:30:00Z'), Date.parse('2024-01-03T09:30:00Z')]);
  });

  it('names the date column of a wide file as its header writes it, in the note and in a problem', () => {
    const data = parseMarketData('Date,Time,AAA,BBB\n2024-01-02,09:30,1,2\n2024-01-02,09:31,1.1,2.1\n');
    expect(data.notes).toContain('dates of "Date" joined with the times of day of "Time" (read as UTC, as a date-time without an offset is)');
    expect(problemsOf('DATE,Time,AAA\n2024-01-02,09:30,1\nsoon,09:31,2\n')).toEqual([
      [3, 'DATE', 'bad-date', '"soon" is not a date; use YYYY-MM-DD, an ISO date-time, "Jan 1 2000" or epoch seconds/milliseconds'],
    ]);
  });

  it('refuses a time column that writes AM or PM on some rows and an hour from 1 to 12 without one on others', () => {
    const advice = ': a time from 1:00 to 12:59 without AM or PM could be morning or afternoon; write AM or PM on every row, or every time on a 24-hour clock';
    // A suffix lost after noon: "1:00" read as 01:00 would, with sort, become the day's first bar.
    expect(problemsOf('Date,Time,Close\n2024-01-02,11:55 AM,1\n2024-01-02,12:00 PM,2\n2024-01-02,12:05,3\n2024-01-02,1:00,4\n')).toEqual([
      [4, 'Time', 'bad-date', `"12:05" has no AM or PM, and line 2 writes "11:55 AM"${advice}`],
    ]);
    expect(problemsOf('Date,Time,Close\n2024-01-02,09:30,1\n2024-01-02,13:00,2\n2024-01-02,2:00 PM,3\n')).toEqual([
      [4, 'Time', 'bad-date', `"2:00 PM" has AM or PM, and line 2 writes "09:30" without one${advice}`],
    ]);
    // Hours 0 and 13 to 23 beside AM/PM are unambiguous, and so is a 24-hour clock alone.
    const mixed = parseMarketData('Date,Time,Close\n2024-01-02,00:30,1\n2024-01-02,9:30 AM,2\n2024-01-02,1:00 PM,3\n2024-01-02,13:30,4\n');
    expect(Array.from(mixed.series[0]?.time ?? [])).toEqual(['00:30', '09:30', '13:00', '13:30'].map((clock) => Date.parse(`2024-01-02T${clock}:00Z`)));
    expect(parseMarketData('Date,Time,Close\n2024-01-02,09:30,1\n2024-01-02,12:30,2\n2024-01-02,15:59,3\n').series[0]?.length).toBe(3);
  });

  // Regression: a 12-hour clock without AM/PM read 1:00 as 01:00: an unsorted-dates problem naming the
  // wrong thing, or under --sort the afternoon moved before the morning without a word.
  it('refuses a 12-hour clock without AM or PM, where a date\'s times go back from 12:xx to 1:xx, naming the row, column and fix', () => {
    const rows = (date: string, times: string[]) => times.map((time, i) => `${date},${time},${String(100 + i)}`);
    const day = ['9:30', '10:30', '11:30', '12:30', '1:00', '2:00', '3:00', '4:00'];
    const text = `Date,Time,Close\n${[...rows('2024-01-02', day), ...rows('2024-01-03', day)].join('\n')}\n`;
    // Header on line 1: 12:30 is line 5, 1:00 line 6. Later days are not read nor reported again.
    const message = '"1:00" goes back from 12:30 on line 5 within the same date, while the file\'s other times within a date go forward: the "Time" column looks like a 12-hour clock without AM or PM, and read as a 24-hour clock the day would be misordered; write AM or PM after every time (1:00 PM), or every time on a 24-hour clock (13:00)';
    expect(problemsOf(text)).toEqual([[6, 'Time', 'bad-date', message]]);
    expect(problemsOf(text, { sort: true })).toEqual([[6, 'Time', 'bad-date', message]]);
    // Newest first (sorted later): the times go forward from 1:00 to 12:30 against the file's way back.
    const newestFirst = `Date,Time,Close\n${[...rows('2024-01-03', [...day].reverse()), ...rows('2024-01-02', [...day].reverse())].join('\n')}\n`;
    expect(problemsOf(newestFirst, { sort: true })).toEqual([
      [6, 'Time', 'bad-date', '"12:30" goes forward from 01:00 on line 5 within the same date, while the file\'s other times within a date go back: the "Time" column looks like a 12-hour clock without AM or PM, and read as a 24-hour clock the day would be misordered; write AM or PM after every time (1:00 PM), or every time on a 24-hour clock (13:00)'],
    ]);
    // A long file of two symbols a row each: the same step, found at the first symbol's 1:00 (line 10).
    const long = `Date,Time,Symbol,Close\n${day.flatMap((time, i) => [`2024-01-02,${time},AAA,${String(100 + i)}`, `2024-01-02,${time},BBB,${String(50 + i)}`]).join('\n')}\n`;
    expect(problemsOf(long).map(([row, field, rule]) => [row, field, rule])).toEqual([[10, 'Time', 'bad-date']]);

    // Read as before: a 24-hour clock, rows shuffled within a date under --sort, a noon step between dates.
    // 12:30 → 13:00 is a 24-hour clock: afternoon hours beyond 12 keep the noon step from being doubted.
    const afternoon = parseMarketData('Date,Time,Close\n2024-01-02,11:30,1\n2024-01-02,12:30,2\n2024-01-02,13:00,3\n2024-01-03,9:30,4\n');
    expect(afternoon.series[0]?.length).toBe(4);
    // A 24-hour file whose rows are shuffled within a date: its steps go both ways, so 12:30 → 1:00 is a row out of order that sorting puts right.
    const shuffled = parseMarketData('Date,Time,Close\n2024-01-02,10:00,1\n2024-01-02,09:00,2\n2024-01-02,12:30,3\n2024-01-02,01:00,4\n', { sort: true });
    expect(Array.from(shuffled.series[0]?.time ?? [])).toEqual(['01:00', '09:00', '10:00', '12:30'].map((clock) => Date.parse(`2024-01-02T${clock}:00Z`)));
    // 12:xx one day, 1:xx the next: no step within a date.
    expect(parseMarketData('Date,Time,Close\n2024-01-02,11:00,1\n2024-01-02,12:00,2\n2024-01-03,1:00,3\n').series[0]?.length).toBe(3);
  });

  it('says that a time of day stands where the date belongs: a Time column without a Date column, or the two swapped', () => {
    const advice = (value: string, column: string) =>
      `"${value}" is a time of day, not a date, and every bar needs its date: give the dates in a "Date" column beside the times (a "Date" and a "Time" column are joined), or write each date with its time in "${column}", as 2024-01-02 09:30`;
    expect(problemsOf('Time,Open,High,Low,Close,Volume\n09:30,1,1,1,1,1\n9:31 AM,1,1,1,1,1\n')).toEqual([
      [2, 'Time', 'bad-date', advice('09:30', 'Time')],
      [3, 'Time', 'bad-date', advice('9:31 AM', 'Time')],
    ]);
    expect(problemsOf('Date,Time,Close\n09:30,2024-01-02,1\n')).toEqual([[2, 'Date', 'bad-date', advice('09:30', 'Date')]]);
    // Bare digits may be a mistyped date too: the general advice.
    expect(problemsOf('Date,Close\n1000,1\n')[0]?.[3]).toBe('"1000" is not a date; use YYYY-MM-DD, an ISO date-time, "Jan 1 2000" or epoch seconds/milliseconds');
  });

  it('reads the dates by the given format and the times beside them', () => {
    const data = parseMarketData('Date,Time,Open,High,Low,Close\n02.01.2024,16:00,1,1,1,1\n03.01.2024,16:00,1,1,1,1\n', { dateFormat: 'DD.MM.YYYY' });
    expect(Array.from(data.series[0]?.time ?? [])).toEqual([Date.parse('2024-01-02T16:00:00Z'), Date.parse('2024-01-03T16:00:00Z')]);
  });
});

// Regression: a JSON bar's "time" beside its "date" was not read, so a day's second bar was a duplicate date.
describe('a JSON file whose bars have a "date" and a "time" field', () => {
  const json = (bars: Record<string, unknown>[]) => JSON.stringify(bars);

  it('gives the bars the date-times of the CSV Date,Time columns, in both layouts, and says the fields were joined', () => {
    const bars = [
      { date: '2024-01-02', time: '09:30', open: 100, high: 101, low: 99, close: 100.5 },
      { date: '2024-01-02', time: '9:31:15', open: 100.5, high: 101, low: 100, close: 100.8 },
      { date: '2024-01-03', time: '0930', open: 101, high: 102, low: 100, close: 101.5 },
      { date: '2024-01-03', time: '13:00', open: 101, high: 102, low: 100, close: 101.7 },
    ];
    // By hand: 2024-01-02 09:30 UTC, 09:31:15, 2024-01-03 09:30 and 13:00.
    const expected = ['2024-01-02T09:30:00Z', '2024-01-02T09:31:15Z', '2024-01-03T09:30:00Z', '2024-01-03T13:00:00Z'].map((text) => Date.parse(text));
    const array = parseMarketData(json(bars));
    expect(Array.from(array.series[0]?.time ?? [])).toEqual(expected);
    expect(Array.from(array.series[0]?.close ?? [])).toEqual([100.5, 100.8, 101.5, 101.7]);
    expect(array.notes).toContain('dates of "date" joined with the times of day of "time" (read as UTC, as a date-time without an offset is)');
    const bySymbol = parseMarketData(JSON.stringify({ AAA: bars }));
    expect(Array.from(bySymbol.series[0]?.time ?? [])).toEqual(expected);
    // Day-first dates by the given format, the times beside them.
    const dayFirst = parseMarketData(json([{ date: '02/01/2024', time: '16:00', close: 1 }, { date: '03/01/2024', time: '16:00', close: 2 }]), { dateFormat: 'DD/MM/YYYY' });
    expect(Array.from(dayFirst.series[0]?.time ?? [])).toEqual([Date.parse('2024-01-02T16:00:00Z'), Date.parse('2024-01-03T16:00:00Z')]);
    // A "time" alone is still the bar's date-time.
    expect(Array.from(parseMarketData(json([{ time: '2024-01-02T09:30:00Z', close: 1 }])).series[0]?.time ?? [])).toEqual([Date.parse('2024-01-02T09:30:00Z')]);
  });

  it('refuses as a CSV file does: a date with a time of its own, an empty or wrong time, AM/PM on some bars only, a 12-hour clock without it', () => {
    expect(problemsOf(json([
      { date: '2024-01-02T10:00:00Z', time: '09:30', close: 1 },
      { date: '2024-01-03', time: '', close: 1 },
      { date: '2024-01-04', time: '25:00', close: 1 },
      { date: '2024-01-05', time: true, close: 1 },
    ]))).toEqual([
      [1, 'date', 'bad-date', '"2024-01-02T10:00:00Z" has a time of day, and the "time" field gives one too: keep the date alone in "date" (the two fields are joined)'],
      [2, 'time', 'missing-value', 'the time of day is empty; every bar with a "time" field beside its "date" needs one'],
      [3, 'time', 'bad-date', '"25:00" is not a time of day; use HH:MM, HH:MM:SS (with fractions of a second if any), HHMM or HHMMSS, on a 24-hour clock or with AM/PM'],
      [4, 'time', 'bad-date', '"true" is not a time of day; use HH:MM, HH:MM:SS (with fractions of a second if any), HHMM or HHMMSS, on a 24-hour clock or with AM/PM'],
    ]);
    expect(problemsOf(json([{ date: '2024-01-02', time: '11:55 AM', close: 1 }, { date: '2024-01-02', time: '12:05', close: 2 }]))).toEqual([
      [2, 'time', 'bad-date', '"12:05" has no AM or PM, and element 1 writes "11:55 AM": a time from 1:00 to 12:59 without AM or PM could be morning or afternoon; write AM or PM on every row, or every time on a 24-hour clock'],
    ]);
    const day = ['9:30', '10:30', '11:30', '12:30', '1:00', '2:00'].map((time, i) => ({ date: '2024-01-02', time, close: 100 + i }));
    expect(problemsOf(JSON.stringify({ AAA: day }), { sort: true })).toEqual([
      [5, 'AAA[4].time', 'bad-date', '"1:00" goes back from 12:30 on AAA element 4 within the same date, while the file\'s other times within a date go forward: the "time" field looks like a 12-hour clock without AM or PM, and read as a 24-hour clock the day would be misordered; write AM or PM after every time (1:00 PM), or every time on a 24-hour clock (13:00)'],
    ]);
  });
});

describe('a file without a header', () => {
  it('is told so, at line 1, when its first line starts with a date and names no column', () => {
    const advice = 'Add a header line naming the columns before it: Date,Open,High,Low,Close,Volume (Date,Time,Open,… with a separate time column), or Date,SYMBOL… with one close per symbol';
    expect(problemsOf('2024.01.02,09:30,1.1,1.2,1.0,1.15,100\n2024.01.02,09:31,1.15,1.2,1.1,1.12,120\n')).toEqual([
      [1, undefined, 'missing-column', `the first line is data, not a header: "2024.01.02" is a date. ${advice}`],
    ]);
    expect(problemsOf('20240102,100\n20240103,101\n')[0]?.[3]).toBe(`the first line is data, not a header: "20240102" is a date. ${advice}`);
    // A header that names a column, or starts with a name that is no date, is read as a header.
    expect(parseMarketData('Date,7203\n2024-01-02,100\n').timeline.symbols).toEqual(['7203']);
    expect(problemsOf('Day,AAA\n2024-01-02,1\n')[0]?.[3]).toContain('the wide header needs a "date" column');
  });
});
