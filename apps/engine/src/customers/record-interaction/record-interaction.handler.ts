import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { interactionOf } from '@lifecycle/domain';
import { CustomerStream } from '../customer-stream';
import type { RecordInteractionDto } from './record-interaction.dto';

export class RecordInteractionCommand {
  constructor(readonly customerId: string, readonly body: RecordInteractionDto, readonly actor: string) {}
}

@CommandHandler(RecordInteractionCommand)
export class RecordInteractionHandler implements ICommandHandler<RecordInteractionCommand> {
  constructor(private readonly customers: CustomerStream) {}

  execute({ customerId, body, actor }: RecordInteractionCommand) {
    return this.customers.execute(
      { type: 'RecordInteraction', data: { customerId, ...body } },
      (state) => ({ customerId, ...interactionOf(state, body.interactionId) }),
      actor,
    );
  }
}
