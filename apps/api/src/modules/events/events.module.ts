import { Module, type OnModuleInit } from '@nestjs/common';
import { registerAttributedTable } from '../areas/attributed-tables';
import { FieldModule } from '../field/field.module';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { EscalationService } from './escalation.service';
import { EventCatalogRepository } from './event-catalog.repository';
import { EventCatalogService } from './event-catalog.service';
import { EventIdempotencyService } from './event-idempotency.service';
import { EventImportService } from './event-import.service';
import { EventIntakeService } from './event-intake.service';
import { EventLogRepository } from './event-log.repository';
import { EventQueryService } from './event-query.service';
import { OPEN_STATES } from './event-workflow.rules';
import { EventWorkflowService } from './event-workflow.service';
import { EventsController } from './events.controller';
import { EventBatchService } from './event-batch.service';
import { EventsRepository } from './events.repository';
import { SummonsBoardRepository } from './summons-board.repository';
import { SummonsRepository } from './summons.repository';
import { SummonsService } from './summons.service';

/**
 * The closed loop for events. Other modules (Open311, the demo simulator) create and move
 * cases through EventIntakeService.create and EventWorkflowService.transition.
 */
@Module({
  imports: [FieldModule],
  controllers: [EventsController, AttachmentsController],
  providers: [
    EventsRepository,
    EventBatchService,
    AttachmentsRepository,
    AttachmentsService,
    EventLogRepository,
    EventCatalogRepository,
    SummonsRepository,
    SummonsBoardRepository,
    EventCatalogService,
    EventIdempotencyService,
    EventIntakeService,
    EventWorkflowService,
    EventQueryService,
    EventImportService,
    SummonsService,
    EscalationService,
  ],
  exports: [EventIntakeService, EventWorkflowService, EventQueryService, EventCatalogService, SummonsService, EscalationService],
})
export class EventsModule implements OnModuleInit {
  /**
   * A redraw re-attributes open cases to the new grids; closed ones keep the grid that owned
   * them (history stays explainable). Unplaced cases wait for an operator, not for a redraw.
   */
  onModuleInit(): void {
    const states = OPEN_STATES.filter((s) => s !== 'unplaced').map((s) => `'${s}'`);
    registerAttributedTable({ table: 'event', openOnly: `state IN (${states.join(', ')})` });
  }
}
