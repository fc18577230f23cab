import { Global, Module } from '@nestjs/common';
import { ChangeFeedRepository } from './change-feed.repository';

@Global()
@Module({
  providers: [ChangeFeedRepository],
  exports: [ChangeFeedRepository],
})
export class LiveModule {}
