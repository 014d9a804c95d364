import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { orderOf } from '@lifecycle/domain';
import { CustomerStream } from '../customer-stream';
import type { RecordPurchaseDto } from './record-purchase.dto';

export class RecordPurchaseCommand {
  constructor(readonly customerId: string, readonly body: RecordPurchaseDto, readonly actor: string) {}
}

@CommandHandler(RecordPurchaseCommand)
export class RecordPurchaseHandler implements ICommandHandler<RecordPurchaseCommand> {
  constructor(private readonly customers: CustomerStream) {}

  execute({ customerId, body, actor }: RecordPurchaseCommand) {
    return this.customers.execute(
      { type: 'RecordPurchase', data: { customerId, ...body } },
      // pointsEarned: what the order earned when recorded (0 in a currency the rules do not list); clawbacks show in the history.
      (state) => ({ customerId, ...orderOf(state, body.orderId), pointsEarned: state.loyalty.ledger.orderPoints.get(body.orderId)?.points ?? 0 }),
      actor,
    );
  }
}
