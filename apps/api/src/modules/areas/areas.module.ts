import { Global, Module } from '@nestjs/common';
import { AreaLookupRepository } from './area-lookup.repository';
import { AreaLookupService } from './area-lookup.service';

@Global()
@Module({
  providers: [AreaLookupRepository, AreaLookupService],
  exports: [AreaLookupService],
})
export class AreasModule {}
