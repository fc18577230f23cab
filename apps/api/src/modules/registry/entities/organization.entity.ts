import { Check, Column, ForeignKey, Index } from 'typeorm';
import { LocatedRecord, LocatedRecordEntity } from './located-record.entity';
import { PlaceEntity } from './place.entity';

/** `organization`, created in migrations/1764004000000-registry.ts (the migrations are the history; this is the shape). */
@LocatedRecord('organization', { addressTrigram: true })
@Check('organization_kind_check', "(kind = ANY (ARRAY['company'::text, 'shop'::text, 'social_org'::text, 'party_org'::text, 'property_mgmt'::text, 'owners_committee'::text]))")
@Index('organization_place_idx', ['place_id'])
@Index('organization_uscc_uq', ['uscc'], { unique: true, where: '(uscc IS NOT NULL)' })
export class OrganizationEntity extends LocatedRecordEntity {
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) uscc!: string | null;
  @Column({ type: 'text', nullable: true }) address!: string | null;

  @Column({ type: 'bigint', nullable: true })
  @ForeignKey(() => PlaceEntity, { name: 'organization_place_id_fkey' })
  place_id!: string | null;

  @Column({ type: 'text', nullable: true }) contact_name!: string | null;
  @Column({ type: 'text', nullable: true }) contact_phone_enc!: string | null;
  @Column({ type: 'boolean', default: false }) own_location!: boolean;
}
