import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './core/config/config.schema';
import { ConfigModule } from './core/config/config.module';
import { DatabaseModule } from './core/database/database.module';
import type { DatabaseInfo } from './core/database/database.tokens';
import { HealthModule } from './core/health/health.module';
import { AuthModule } from './modules/auth/auth.module';
import { AuditModule } from './modules/audit/audit.module';
import { SecurityModule } from './core/security/security.module';
import { AreasModule } from './modules/areas/areas.module';
import { LiveModule } from './modules/live/live.module';
import { EventsModule } from './modules/events/events.module';
import { Open311Module } from './modules/open311/open311.module';
import { RegistryModule } from './modules/registry/registry.module';
import { DemoModule } from './modules/demo/demo.module';
import { SupervisionModule } from './modules/supervision/supervision.module';
import { FieldModule } from './modules/field/field.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, db: DatabaseInfo): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(db),
        HealthModule,
        SecurityModule,
        AuditModule,
        AuthModule,
        AreasModule,
        LiveModule,
        EventsModule,
        Open311Module,
        RegistryModule,
        FieldModule,
        DemoModule,
        SupervisionModule,
      ],
    };
  }
}
