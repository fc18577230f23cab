import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { Open311Controller } from './open311.controller';
import { Open311Service } from './open311.service';

/** Open311 GeoReport v2: the interoperable door into the event loop. */
@Module({
  imports: [EventsModule],
  controllers: [Open311Controller],
  providers: [Open311Service],
})
export class Open311Module {}
