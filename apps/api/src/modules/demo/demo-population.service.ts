import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RegistryPiiService } from '../registry/registry-pii.service';
import { buildPopulation } from './demo-population';
import { DemoPopulationRepository, type SealedOrg, type SealedPerson } from './demo-population.repository';

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

  async load(tx: EntityManager): Promise<Record<string, number>> {
    const t0 = Date.now();
    const grids = await this.repo.grids(tx);
    const pop = buildPopulation(grids);
    const ms: Record<string, number> = { build: Date.now() - t0 };
    let t = Date.now();
    const lap = (k: string) => {
      ms[k] = Date.now() - t;
      t = Date.now();
    };
    const people: SealedPerson[] = [];
    for (const p of pop.people) {
      const id = await this.pii.sealId(p.idNumber);
      const phone = await this.pii.sealPhone(p.phone);
      people.push({
        ext: p.ext, name: p.name, idEnc: id.enc!, idHmac: id.hmac!, phoneEnc: phone.enc, phoneHmac: phone.hmac, gender: p.gender, birthDate: p.birthDate,
        householdNo: p.householdNo, householdRole: p.householdRole, registration: p.registration, placeExt: p.placeExt, tags: p.tags,
      });
    }
    const orgs: SealedOrg[] = [];
    for (const o of pop.orgs) {
      const phone = await this.pii.sealPhone(o.contactPhone);
      orgs.push({ ext: o.ext, kind: o.kind, name: o.name, uscc: o.uscc, placeExt: o.placeExt, contactName: o.contactName, contactPhoneEnc: phone.enc! });
    }
    lap('seal');
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
