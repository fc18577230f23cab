import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RegistryPiiService } from '../registry/registry-pii.service';
import { buildPopulation, type DemoGrid, type Population } from './demo-population';
import { DemoPopulationRepository, type SealedOrg, type SealedPerson } from './demo-population.repository';

/** Rows sealed between two turns of the event loop while the population is drawn ahead. */
const SLICE = 1000;

/** The population drawn and sealed ahead (DemoPopulationService.draw), waiting for its grids. */
export interface DrawnPopulation {
  /** the planned grids' codes, in the order their stand-in ids (0…n-1) refer to */
  codes: string[];
  pop: Population;
  people: SealedPerson[];
  orgs: SealedOrg[];
  ms: Record<string, number>;
}

/**
 * The synthetic population (places, households and people, city components, organizations),
 * loaded in bulk inside the demo transaction. ID and phone numbers are sealed by the registry's
 * own RegistryPiiService (AES-GCM + keyed HMAC): the clear values never reach the database.
 */
@Injectable()
export class DemoPopulationService {
  private readonly logger = new Logger('Demo');
  constructor(
    private readonly repo: DemoPopulationRepository,
    private readonly pii: RegistryPiiService,
  ) {}

  /**
   * Fetch the PII key before the demo transaction opens: the key is read through its own
   * connection, and the embedded database has only one (held by the transaction).
   */
  async prepare(): Promise<void> {
    await this.pii.idHash('warm-up');
  }

  /**
   * Draw the population and seal its personal identifiers before the territory exists: the grids'
   * codes and household counts are known from the assets (DemoTerritoryService.plannedGrids), so
   * this runs on this thread while the embedded database builds the territory in its own. Sealing
   * gives the event loop back every SLICE rows, so the territory's statements are sent on time.
   */
  async draw(grids: Omit<DemoGrid, 'id'>[]): Promise<DrawnPopulation> {
    const t0 = Date.now();
    const slice = () => new Promise<void>((r) => setImmediate(r));
    // grid ids are not known yet: the k-th planned grid stands for itself until load() maps it by code
    const pop = buildPopulation(grids.map((g, k) => ({ ...g, id: k })));
    const buildMs = Date.now() - t0;
    const people: SealedPerson[] = [];
    for (const [k, p] of pop.people.entries()) {
      if (k % SLICE === 0) await slice();
      const id = await this.pii.sealId(p.idNumber);
      const phone = await this.pii.sealPhone(p.phone);
      people.push({
        ext: p.ext,
        name: p.name,
        idEnc: id.enc!,
        idHmac: id.hmac!,
        phoneEnc: phone.enc,
        phoneHmac: phone.hmac,
        gender: p.gender,
        birthDate: p.birthDate,
        householdNo: p.householdNo,
        householdRole: p.householdRole,
        registration: p.registration,
        placeExt: p.placeExt,
        tags: p.tags,
      });
    }
    const orgs: SealedOrg[] = [];
    for (const [k, o] of pop.orgs.entries()) {
      if (k % SLICE === 0) await slice();
      const phone = await this.pii.sealPhone(o.contactPhone);
      orgs.push({ ext: o.ext, kind: o.kind, name: o.name, uscc: o.uscc, placeExt: o.placeExt, contactName: o.contactName, contactPhoneEnc: phone.enc! });
    }
    return { codes: grids.map((g) => g.code), pop, people, orgs, ms: { build: buildMs, seal: Date.now() - t0 - buildMs } };
  }

  dropSecondaryIndexes(tx: EntityManager, tables: string[]): Promise<string[]> {
    return this.repo.dropSecondaryIndexes(tx, tables);
  }

  createIndexes(tx: EntityManager, defs: string[]): Promise<void> {
    return this.repo.createIndexes(tx, defs);
  }

  async load(tx: EntityManager, drawn: DrawnPopulation): Promise<Record<string, number>> {
    const { pop, people, orgs } = drawn;
    const ms: Record<string, number> = { ...drawn.ms };
    // the planned grids' stand-in ids (their index) become the ids the territory got
    const ids = new Map((await this.repo.grids(tx)).map((g) => [g.code, g.id]));
    const real = drawn.codes.map((c) => ids.get(c));
    if (real.some((id) => id === undefined)) throw new Error(`demo population: ${real.filter((id) => id === undefined).length} planned grids were not generated`);
    for (const x of [...pop.places, ...pop.buildings]) x.gridId = real[x.gridId]!;
    for (const x of pop.objects) x.gridId = real[x.gridId]!;
    let t = Date.now();
    const lap = (k: string) => {
      ms[k] = Date.now() - t;
      t = Date.now();
    };
    const counts: Record<string, number> = {};
    counts.places = await this.repo.insertPlaces(tx, pop.places, 11);
    lap('places');
    counts.buildings = await this.repo.insertBuildings(tx, pop.buildings);
    lap('buildings');
    counts.people = await this.repo.insertPeople(tx, people);
    lap('people');
    counts.households = await this.repo.insertHouseholds(tx);
    lap('households');
    counts.objects = await this.repo.insertObjects(tx, pop.objects, 12);
    lap('objects');
    counts.organizations = await this.repo.insertOrganizations(tx, orgs);
    lap('organizations');
    this.logger.debug(`demo population: ${JSON.stringify(counts)} (ms: ${JSON.stringify(ms)})`);
    return counts;
  }
}
