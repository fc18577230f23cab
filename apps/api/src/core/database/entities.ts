import { AreaPartEntity } from '../../modules/areas/entities/area-part.entity';
import { AreaVersionEntity } from '../../modules/areas/entities/area-version.entity';
import { AreaEntity } from '../../modules/areas/entities/area.entity';
import { GridStaffEntity } from '../../modules/areas/entities/grid-staff.entity';
import { AuditLogEntity } from '../../modules/audit/entities/audit-log.entity';
import { ApiKeyEntity } from '../../modules/auth/entities/api-key.entity';
import { AppUserEntity } from '../../modules/auth/entities/app-user.entity';
import { DepartmentEntity } from '../../modules/auth/entities/department.entity';
import { LoginLockEntity } from '../../modules/auth/entities/login-lock.entity';
import { RefreshTokenEntity } from '../../modules/auth/entities/refresh-token.entity';
import { AttachmentEntity } from '../../modules/events/entities/attachment.entity';
import { EventCategoryEntity } from '../../modules/events/entities/event-category.entity';
import { EventTransitionEntity } from '../../modules/events/entities/event-transition.entity';
import { EventEntity } from '../../modules/events/entities/event.entity';
import { IdempotencyKeyEntity } from '../../modules/events/entities/idempotency-key.entity';
import { SummonsDepartmentEntity } from '../../modules/events/entities/summons-department.entity';
import { SummonsEntity } from '../../modules/events/entities/summons.entity';
import { PatrolEntity } from '../../modules/field/entities/patrol.entity';
import { PositionBatchEntity } from '../../modules/field/entities/position-batch.entity';
import { VisitEntity } from '../../modules/field/entities/visit.entity';
import { WorkerLatestEntity } from '../../modules/field/entities/worker-latest.entity';
import { WorkerPositionEntity } from '../../modules/field/entities/worker-position.entity';
import { ChangeCounterEntity } from '../../modules/live/entities/change-counter.entity';
import { ChangeEntity } from '../../modules/live/entities/change.entity';
import { CityObjectEntity } from '../../modules/registry/entities/city-object.entity';
import { HouseholdEntity } from '../../modules/registry/entities/household.entity';
import { ObjectCategoryEntity } from '../../modules/registry/entities/object-category.entity';
import { OrganizationEntity } from '../../modules/registry/entities/organization.entity';
import { PersonTagEntity } from '../../modules/registry/entities/person-tag.entity';
import { PersonEntity } from '../../modules/registry/entities/person.entity';
import { PlaceEntity } from '../../modules/registry/entities/place.entity';
import { RegistryAttributionBucketEntity } from '../../modules/registry/entities/registry-attribution-bucket.entity';
import { RegistryAttributionStampEntity } from '../../modules/registry/entities/registry-attribution-stamp.entity';
import { RegistryGridCountEntity } from '../../modules/registry/entities/registry-grid-count.entity';
import { RegistryGridHouseholdEntity } from '../../modules/registry/entities/registry-grid-household.entity';
import { RegistryGridTagCountEntity } from '../../modules/registry/entities/registry-grid-tag-count.entity';
import { RegistryMoveEntity } from '../../modules/registry/entities/registry-move.entity';
import { SvCalendarDayEntity } from '../../modules/supervision/entities/sv-calendar-day.entity';
import { SvCaseEntity } from '../../modules/supervision/entities/sv-case.entity';
import { SvCursorEntity } from '../../modules/supervision/entities/sv-cursor.entity';
import { SvDailyEntity } from '../../modules/supervision/entities/sv-daily.entity';
import { SvIndicatorEntity } from '../../modules/supervision/entities/sv-indicator.entity';
import { SvWarningEntity } from '../../modules/supervision/entities/sv-warning.entity';
import { AppSecretEntity } from '../security/entities/app-secret.entity';

/**
 * Every table as a TypeORM entity (issue 21): the typed shape of its rows and, with the
 * migrations, the one description of the schema. Properties are named as the columns are
 * (snake_case), so a hand-written statement's rows are these types or narrow projections of
 * them (`Pick<AreaEntity, 'code' | 'name'>`). `bigint` columns are `string`, as pg returns them.
 *
 * The migrations stay hand-written and are the only thing that changes the schema (synchronize
 * is never on). schema-drift.int-spec.ts runs them on a fresh database and fails when TypeORM
 * would change anything to match these entities; scripts/migration-generate.mjs writes the
 * migration for a difference (README, "Schema changes").
 */
export const ENTITIES = [
  AreaPartEntity,
  AreaVersionEntity,
  AreaEntity,
  GridStaffEntity,
  AuditLogEntity,
  ApiKeyEntity,
  AppUserEntity,
  DepartmentEntity,
  LoginLockEntity,
  RefreshTokenEntity,
  AttachmentEntity,
  EventCategoryEntity,
  EventTransitionEntity,
  EventEntity,
  IdempotencyKeyEntity,
  SummonsDepartmentEntity,
  SummonsEntity,
  PatrolEntity,
  PositionBatchEntity,
  VisitEntity,
  WorkerLatestEntity,
  WorkerPositionEntity,
  ChangeCounterEntity,
  ChangeEntity,
  CityObjectEntity,
  HouseholdEntity,
  ObjectCategoryEntity,
  OrganizationEntity,
  PersonTagEntity,
  PersonEntity,
  PlaceEntity,
  RegistryAttributionBucketEntity,
  RegistryAttributionStampEntity,
  RegistryGridCountEntity,
  RegistryGridHouseholdEntity,
  RegistryGridTagCountEntity,
  RegistryMoveEntity,
  SvCalendarDayEntity,
  SvCaseEntity,
  SvCursorEntity,
  SvDailyEntity,
  SvIndicatorEntity,
  SvWarningEntity,
  AppSecretEntity,
];
