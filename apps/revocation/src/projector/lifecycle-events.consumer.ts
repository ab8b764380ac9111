import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AnyLifecycleEvent, TOKEN_LIFECYCLE_TOPIC } from '@app/events';
import { EventProjector } from './event.projector';

/**
 * The projector's live feed: each lifecycle event, parsed and validated by
 * LifecycleEventDeserializer, from the Kafka transport (group PROJECTOR_GROUP). A throw leaves
 * the event to be delivered again; `apply` is idempotent.
 */
@Controller()
export class LifecycleEventsConsumer {
  constructor(private readonly projector: EventProjector) {}

  @EventPattern(TOKEN_LIFECYCLE_TOPIC)
  onEvent(@Payload() event: AnyLifecycleEvent): Promise<void> {
    return this.projector.apply(event);
  }
}
