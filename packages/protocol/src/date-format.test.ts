import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DATE_FORMATS, DateFormatSchema, dateFormatProblem, fullYear, isDateFormat } from './date-format';
import { parseConfig } from './schemas';

describe('date formats', () => {
  it('are auto, the three orders of year, month and day with -, / or . between them, and day or month first with a two-digit year', () => {
    expect([...DATE_FORMATS].sort()).toEqual(
      [
        'auto',
        'DD-MM-YYYY',
        'DD.MM.YYYY',
        'DD/MM/YYYY',
        'MM-DD-YYYY',
        'MM.DD.YYYY',
        'MM/DD/YYYY',
        'YYYY-MM-DD',
        'YYYY.MM.DD',
        'YYYY/MM/DD',
        'DD-MM-YY',
        'DD.MM.YY',
        'DD/MM/YY',
        'MM-DD-YY',
        'MM.DD.YY',
        'MM/DD/YY',
      ].sort(),
    );
    expect(isDateFormat('DD/MM/YY')).toBe(true);
    expect(isDateFormat('YY-MM-DD')).toBe(false);
    expect(isDateFormat('DD/MM/YYYY')).toBe(true);
    expect(isDateFormat('dd/mm/yyyy')).toBe(false);
    expect(isDateFormat(undefined)).toBe(false);
  });

  it('parse as themselves, and their JSON Schema is the enum', () => {
    for (const format of DATE_FORMATS) expect(DateFormatSchema.parse(format)).toBe(format);
    const schema = z.toJSONSchema(z.object({ dateFormat: DateFormatSchema }), { io: 'input', unrepresentable: 'any' });
    expect(schema.properties?.dateFormat).toMatchObject({ type: 'string', enum: [...DATE_FORMATS] });
  });

  it('an unknown format is a config error saying what to write', () => {
    const parse = (value: unknown) => () => parseConfig(z.strictObject({ dateFormat: DateFormatSchema }), { dateFormat: value });
    expect(parse('dd/mm/yyyy')).toThrow('dateFormat: unknown date format "dd/mm/yyyy": write DD/MM/YYYY (upper case; in the file DD and MM may have one or two digits, YYYY has four)');
    expect(parse('%d.%m.%Y')).toThrow('dateFormat: unknown date format "%d.%m.%Y": write DD.MM.YYYY (in the file DD and MM may have one or two digits, YYYY has four)');
    expect(parse(7)).toThrow('dateFormat: expected a string, got the number 7');
  });

  it('names the pattern meant by a strftime format, a switch, a time of day or a two-digit year', () => {
    expect(dateFormatProblem('m/d/yyyy')).toBe('unknown date format "m/d/yyyy": write MM/DD/YYYY (upper case; in the file DD and MM may have one or two digits, YYYY has four)');
    expect(dateFormatProblem('%d/%m/%Y %H:%M:%S')).toBe('unknown date format "%d/%m/%Y %H:%M:%S": a format names the date only (a time of day after it, HH:MM[:SS], is read when present); write DD/MM/YYYY');
    expect(dateFormatProblem('YYYY-MM-DDTHH:MM')).toBe('unknown date format "YYYY-MM-DDTHH:MM": a format names the date only (a time of day after it, HH:MM[:SS], is read when present); write YYYY-MM-DD');
    expect(dateFormatProblem('dayfirst')).toBe('unknown date format "dayfirst": day first is DD/MM/YYYY (or DD.MM.YYYY, DD-MM-YYYY: the separator the file uses)');
    expect(dateFormatProblem('month-first')).toBe('unknown date format "month-first": month first is MM/DD/YYYY (or MM.DD.YYYY, MM-DD-YYYY: the separator the file uses)');
    expect(dateFormatProblem('iso')).toBe('unknown date format "iso": write YYYY-MM-DD (a time of day after the date is read when present)');
    expect(dateFormatProblem('%d/%m/%y')).toBe("unknown date format \"%d/%m/%y\": write DD/MM/YY (in the file DD and MM may have one or two digits, YY has two digits: 69–99 are 1969–1999, 00–68 are 2000–2068, as POSIX strptime's %y)");
    expect(dateFormatProblem('mm-dd-yy')).toBe("unknown date format \"mm-dd-yy\": write MM-DD-YY (upper case; in the file DD and MM may have one or two digits, YY has two digits: 69–99 are 1969–1999, 00–68 are 2000–2068, as POSIX strptime's %y)");
    expect(dateFormatProblem('YY-MM-DD')).toBe('unknown date format "YY-MM-DD": a two-digit year is read only after the day and the month (DD/MM/YY, MM/DD/YY, with -, / or .); a year first needs four digits (YYYY-MM-DD)');
    expect(dateFormatProblem('%y/%m/%d')).toBe('unknown date format "%y/%m/%d": a two-digit year is read only after the day and the month (DD/MM/YY, MM/DD/YY, with -, / or .); a year first needs four digits (YYYY-MM-DD)');
    expect(dateFormatProblem('DD/MM/YYY')).toBe(
      'unknown date format "DD/MM/YYY"; use one of auto, YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, DD/MM/YYYY, DD.MM.YYYY, DD-MM-YYYY, MM/DD/YYYY, MM.DD.YYYY, MM-DD-YYYY, DD/MM/YY, DD.MM.YY, DD-MM-YY, MM/DD/YY, MM.DD.YY, MM-DD-YY — did you mean "DD/MM/YYYY"?',
    );
    expect(dateFormatProblem('European')).toBe(
      'unknown date format "European"; use one of auto, YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, DD/MM/YYYY, DD.MM.YYYY, DD-MM-YYYY, MM/DD/YYYY, MM.DD.YYYY, MM-DD-YYYY, DD/MM/YY, DD.MM.YY, DD-MM-YY, MM/DD/YY, MM.DD.YY, MM-DD-YY',
    );
  });

  it('reads a two-digit year with strptime\'s pivot: 69–99 in the 1900s, 00–68 in the 2000s', () => {
    expect([fullYear(0), fullYear(68), fullYear(69), fullYear(99)]).toEqual([2000, 2068, 1969, 1999]);
  });
});
