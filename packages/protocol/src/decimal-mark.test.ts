import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from './schemas';
import { DECIMAL_MARKS, DecimalMarkSchema, decimalMarkProblem, isDecimalMarkSetting } from './decimal-mark';

describe('decimal mark settings', () => {
  it('are auto, point and comma, spelled exactly', () => {
    expect(DECIMAL_MARKS).toEqual(['auto', 'point', 'comma']);
    expect(isDecimalMarkSetting('comma')).toBe(true);
    expect(isDecimalMarkSetting('Comma')).toBe(false);
    expect(isDecimalMarkSetting(',')).toBe(false);
    expect(isDecimalMarkSetting(undefined)).toBe(false);
  });

  it('parse as themselves, and their JSON Schema is the enum', () => {
    for (const mark of DECIMAL_MARKS) expect(DecimalMarkSchema.parse(mark)).toBe(mark);
    const schema = z.toJSONSchema(z.object({ decimal: DecimalMarkSchema }), { io: 'input', unrepresentable: 'any' });
    expect(schema.properties?.decimal).toMatchObject({ type: 'string', enum: ['auto', 'point', 'comma'] });
  });

  it('an unknown setting is a config error naming the setting meant', () => {
    const parse = (value: unknown) => () => parseConfig(z.strictObject({ decimal: DecimalMarkSchema }), { decimal: value });
    expect(parse(',')).toThrow('decimal: unknown decimal mark ",": write "comma" (a decimal comma, as in 1234,56)');
    expect(parse('.')).toThrow('decimal: unknown decimal mark ".": write "point" (a decimal point, as in 1234.56)');
    expect(parse('Decimal Comma')).toThrow('decimal: unknown decimal mark "Decimal Comma": write "comma"');
    expect(parse('period')).toThrow('decimal: unknown decimal mark "period": write "point"');
    expect(parse(2)).toThrow('decimal: expected a string, got the number 2');
    expect(decimalMarkProblem('european')).toBe('unknown decimal mark "european"; use "point" (1234.56), "comma" (1234,56) or "auto" (decided from the file\'s values)');
    expect(decimalMarkProblem('AUTO')).toBe('unknown decimal mark "AUTO": write "auto"');
  });
});
