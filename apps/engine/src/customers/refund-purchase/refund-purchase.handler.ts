import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { refundOf } from '@lifecycle/domain';
import { CustomerStream } from '../customer-stream';
import type { RefundPurchaseDto } from './refund-purchase.dto';

export class RefundPurchaseCommand {
  constructor(readonly customerId: string, readonly body: RefundPurchaseDto, readonly actor: string) {}
}

@CommandHandler(RefundPurchaseCommand)
export class RefundPurchaseHandler implements ICommandHandler<RefundPurchaseCommand> {
  constructor(private readonly customers: CustomerStream) {}

  execute({ customerId, body, actor }: RefundPurchaseCommand) {
    return this.customers.execute(
      { type: 'RefundPurchase', data: { customerId, ...body } },
      (state) => ({ customerId, ...refundOf(state, body.refundId) }),
      actor,
    );
  }
}
