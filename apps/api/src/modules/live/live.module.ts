import { Global, Module } from '@nestjs/common';
import { ChangeFeedRepository } from './change-feed.repository';
import { ChangesController } from './changes.controller';
import { ChangesService } from './changes.service';
import { LiveCommitSubscriber } from './live-commit.subscriber';
import { LiveGateway } from './live.gateway';
import { LiveSequencer } from './live-sequencer.service';
import { LiveTailer } from './live-tailer.service';
import { LiveWakeBus } from './live-wake-bus';

/**
 * Live push. Other modules only call ChangeFeedRepository.append(tx, …) inside their
 * transaction; after the commit the sequencer numbers the row, the tailer reads the outbox and the gateway emits.
 */
@Global()
@Module({
  controllers: [ChangesController],
  providers: [ChangeFeedRepository, ChangesService, LiveWakeBus, LiveSequencer, LiveTailer, LiveCommitSubscriber, LiveGateway],
  exports: [ChangeFeedRepository, LiveTailer],
})
export class LiveModule {}
