import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type LoyaltyRules, tierView } from '@lifecycle/domain';
import { ApiError } from '../../errors/api-error';
import { InjectLoyaltyRules } from '../../rules/loyalty-rules.token';
import { Clock } from '../../storage/clock';
import { CustomerStream } from '../customer-stream';

export class GetTierQuery {
  constructor(readonly customerId: string, readonly asOf: string | undefined) {}
}

/** The tier held at an instant, since when, the rolling window's figures and the distance to the next tier. */
@QueryHandler(GetTierQuery)
export class GetTierHandler implements IQueryHandler<GetTierQuery> {
  constructor(
    private readonly customers: CustomerStream,
    private readonly clock: Clock,
    @InjectLoyaltyRules() private readonly rules: LoyaltyRules,
  ) {}

  async execute({ customerId, asOf }: GetTierQuery) {
    const { state } = await this.customers.load(customerId);
    if (state.registration === 'none') throw ApiError.notFound('CUSTOMER.NOT_FOUND', `customer ${customerId} does not exist`);
    return { customerId, ...tierView(state, asOf ?? this.clock.now().toISOString(), this.rules) };
  }
}
