import { residentIdProblem, usccProblem } from '@gc/contracts';
import { buildPopulation, syntheticResidentId, syntheticUscc } from './demo-population';
import { rng } from './demo-random';

describe('synthetic population', () => {
  it('makes valid resident IDs (GB 11643) with the region code and gender asked for', () => {
    const id = syntheticResidentId('320104', '1980-02-29', 7, 'female');
    expect(residentIdProblem(id)).toBeNull();
    expect(id.slice(0, 14)).toBe('32010419800229');
    expect(Number(id[16]) % 2).toBe(0);
    expect(Number(syntheticResidentId('320104', '1980-02-29', 7, 'male')[16]) % 2).toBe(1);
    expect(usccProblem(syntheticUscc('320104', rng(1)))).toBeNull();
  });

  it('draws households, people, places, components and organizations per grid, weighted by households', () => {
    const pop = buildPopulation([
      { id: 1, code: '320104002001001', households: 3000 },
      { id: 2, code: '320115001001001', households: 300 },
    ]);
    const big = pop.people.filter((p) => p.householdNo.includes('320104002001001')).length;
    const small = pop.people.length - big;
    expect(big).toBeGreaterThan(small * 3);
    expect(new Set(pop.people.map((p) => p.idNumber)).size).toBe(pop.people.length);
    for (const p of pop.people) {
      expect(residentIdProblem(p.idNumber)).toBeNull();
      expect(p.ext.startsWith('demo-')).toBe(true);
      if (p.registration === 'registered') expect(p.idNumber.slice(0, 6)).toBe(p.householdNo.slice(6, 12));
    }
    expect(pop.people.every((p) => /^[\u4e00-\u9fff]{2,4}$/.test(p.name))).toBe(true);
    const placeExts = new Set([...pop.places, ...pop.buildings].map((p) => p.ext));
    expect(pop.people.every((p) => placeExts.has(p.placeExt))).toBe(true);
    expect(pop.orgs.every((o) => placeExts.has(o.placeExt) && (o.uscc === null || usccProblem(o.uscc) === null))).toBe(true);
    expect(pop.objects.length).toBeGreaterThan(20);
  });
});
