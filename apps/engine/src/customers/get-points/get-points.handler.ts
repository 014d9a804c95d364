import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type LoyaltyRules, pointsView } from '@lifecycle/domain';
import { ApiError } from '../../errors/api-error';
import { InjectLoyaltyRules } from '../../rules/loyalty-rules.token';
import { Clock } from '../../storage/clock';
import { CustomerStream } from '../customer-stream';

export class GetPointsQuery {
  constructor(readonly customerId: string, readonly asOf: string | undefined) {}
}

/**
 * Balance, lots with their expiry and what expires within the warning days, as of any instant.
 * Expiries due by then count as done even before a tick has recorded them.
 */
@QueryHandler(GetPointsQuery)
export class GetPointsHandler implements IQueryHandler<GetPointsQuery> {
  constructor(
    private readonly customers: CustomerStream,
    private readonly clock: Clock,
    @InjectLoyaltyRules() private readonly rules: LoyaltyRules,
  ) {}

  async execute({ customerId, asOf }: GetPointsQuery) {
    const { state } = await this.customers.load(customerId);
    if (state.registration === 'none') throw ApiError.notFound('CUSTOMER.NOT_FOUND', `customer ${customerId} does not exist`);
    return { customerId, ...pointsView(state, asOf ?? this.clock.now().toISOString(), this.rules) };
  }
}
