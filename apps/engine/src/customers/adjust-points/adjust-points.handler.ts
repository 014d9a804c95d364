import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { pointsHistory } from '@lifecycle/domain';
import { CustomerStream } from '../customer-stream';
import type { AdjustPointsDto } from './adjust-points.dto';

export class AdjustPointsCommand {
  constructor(readonly customerId: string, readonly body: AdjustPointsDto, readonly actor: string) {}
}

/** A credit or debit by hand; the API key's name is recorded as the actor who made it. */
@CommandHandler(AdjustPointsCommand)
export class AdjustPointsHandler implements ICommandHandler<AdjustPointsCommand> {
  constructor(private readonly customers: CustomerStream) {}

  execute({ customerId, body, actor }: AdjustPointsCommand) {
    return this.customers.execute(
      { type: 'AdjustPoints', data: { customerId, ...body, actor } },
      (state) => {
        const m = pointsHistory(state).find((line) => line.kind === 'adjusted' && line.adjustmentId === body.adjustmentId)!;
        const note = state.loyalty.ledger.adjustments.get(body.adjustmentId)?.note;
        return {
          customerId, adjustmentId: m.adjustmentId!, points: m.points, reason: m.reason!, ...(note !== undefined && { note }),
          actor: m.actor!, occurredAt: m.at, lots: m.lots, rulesVersion: m.rulesVersion, balanceAfter: m.balanceAfter,
        };
      },
      actor,
    );
  }
}
