import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { pointsHistory } from '@lifecycle/domain';
import { CustomerStream } from '../customer-stream';
import type { RedeemPointsDto } from './redeem-points.dto';

export class RedeemPointsCommand {
  constructor(readonly customerId: string, readonly body: RedeemPointsDto, readonly actor: string) {}
}

@CommandHandler(RedeemPointsCommand)
export class RedeemPointsHandler implements ICommandHandler<RedeemPointsCommand> {
  constructor(private readonly customers: CustomerStream) {}

  execute({ customerId, body, actor }: RedeemPointsCommand) {
    return this.customers.execute(
      { type: 'RedeemPoints', data: { customerId, ...body } },
      // The redemption's own line of the history, so a repeat answers exactly as the first time did.
      (state) => {
        const m = pointsHistory(state).find((line) => line.kind === 'redeemed' && line.redemptionId === body.redemptionId)!;
        return {
          customerId, redemptionId: m.redemptionId!, rewardId: m.rewardId!, points: -m.points, occurredAt: m.at, lots: m.lots,
          rulesVersion: m.rulesVersion, balanceAfter: m.balanceAfter,
        };
      },
      actor,
    );
  }
}
