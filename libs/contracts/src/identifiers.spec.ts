import { coordinateProblem, normalizePhone, phoneProblem, residentIdCheckChar, residentIdGender, residentIdProblem, usccCheckChar, usccProblem } from './identifiers';

describe('resident ID (GB 11643)', () => {
  it('accepts the standard example and computes its check character', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdProblem('11010519491231002X')).toBeNull();
    expect(residentIdProblem('11010519491231002x')).toBeNull();
    expect(residentIdGender('11010519491231002X')).toBe('female');
  });
  it('accepts a Nanjing ID with a numeric check digit', () => {
    const first = '32010419900307123';
    const id = first + residentIdCheckChar(first);
    expect(residentIdProblem(id)).toBeNull();
  });
  it('names the expected check digit when it is wrong', () => {
    expect(residentIdProblem('110105194912310021')).toBe('check digit should be X');
  });
  it('rejects bad length, bad dates, future births and unknown regions', () => {
    expect(residentIdProblem('1101051949123100')).toMatch(/17 digits/);
    expect(residentIdProblem('11010519490231002X')).toMatch(/not a valid date/);
    const future = '32010420990101123';
    expect(residentIdProblem(future + residentIdCheckChar(future), new Date('2025-01-01'))).toMatch(/not plausible/);
    const region = '99010519491231002';
    expect(residentIdProblem(region + residentIdCheckChar(region))).toMatch(/region code 990105/);
    const county = '32000019491231002';
    expect(residentIdProblem(county + residentIdCheckChar(county))).toMatch(/plausible county/);
  });
});

describe('unified social credit code (GB 32100)', () => {
  it('accepts real published codes', () => {
    expect(usccProblem('91350100M000100Y43')).toBeNull();
    expect(usccProblem('91110000802100433B')).toBeNull();
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
  });
  it('names the expected check character and forbidden letters', () => {
    expect(usccProblem('91350100M000100Y44')).toBe('check character should be 3');
    expect(usccProblem('91350100M000100I43')).toMatch(/character I is not allowed/);
    expect(usccProblem('9135')).toBe('must be 18 characters');
  });
});

describe('phones', () => {
  it('accepts mobiles, landlines and service numbers', () => {
    expect(phoneProblem('13812345678')).toBeNull();
    expect(phoneProblem('+86 138 1234 5678')).toBeNull();
    expect(phoneProblem('025-84561234')).toBeNull();
    expect(phoneProblem('0592-2345678')).toBeNull();
    expect(phoneProblem('12345')).toBeNull();
    expect(normalizePhone('(025) 8456-1234')).toBe('02584561234');
  });
  it('rejects short mobiles and junk', () => {
    expect(phoneProblem('1381234567')).toMatch(/11 digits/);
    expect(phoneProblem('12812345678')).toMatch(/11 digits/);
    expect(phoneProblem('abc')).toMatch(/not a mainland/);
    expect(phoneProblem('025-1234')).toMatch(/not a mainland/);
  });
});

describe('coordinates', () => {
  it('checks ranges and names the field', () => {
    expect(coordinateProblem(118.79, 32.05)).toBeNull();
    expect(coordinateProblem(200, 32)).toEqual({ field: 'lon', reason: expect.stringContaining('longitude') });
    expect(coordinateProblem(118, Number.NaN)).toEqual({ field: 'lat', reason: expect.stringContaining('latitude') });
  });
});
