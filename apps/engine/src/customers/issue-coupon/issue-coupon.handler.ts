import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CustomerStream } from '../customer-stream';
import type { IssueCouponDto } from './issue-coupon.dto';

export class IssueCouponCommand {
  constructor(readonly customerId: string, readonly body: IssueCouponDto, readonly actor: string) {}
}

@CommandHandler(IssueCouponCommand)
export class IssueCouponHandler implements ICommandHandler<IssueCouponCommand> {
  constructor(private readonly customers: CustomerStream) {}

  execute({ customerId, body, actor }: IssueCouponCommand) {
    // The DTO instance carries class prototypes; the domain takes plain data.
    const offer = { ...body.offer };
    return this.customers.execute(
      { type: 'IssueCoupon', data: { customerId, ...body, offer } },
      // The coupon as issued (not whether it is used since), so a repeat answers the same.
      (state) => {
        const c = state.loyalty.coupons.get(body.couponId)!;
        return { customerId, couponId: c.couponId, offer: c.offer, validFrom: c.validFrom, validTo: c.validTo, reason: c.reason, issuedAt: c.issuedAt };
      },
      actor,
    );
  }
}
