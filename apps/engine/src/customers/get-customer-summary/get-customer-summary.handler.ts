import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { customerSummary } from '@lifecycle/projections';
import { ApiError } from '../../errors/api-error';
import { Clock } from '../../storage/clock';
import { Storage } from '../../storage/storage';

export class GetCustomerSummaryQuery {
  /** `asOf` undefined: now, by the engine's clock. */
  constructor(readonly customerId: string, readonly asOf: string | undefined) {}
}

/**
 * The customer at a glance, from the read models (the served versions): orders, revenue, interactions,
 * complaints in the last 90 days, and the points balance, tier, stage and segment as of the instant.
 */
@QueryHandler(GetCustomerSummaryQuery)
export class GetCustomerSummaryHandler implements IQueryHandler<GetCustomerSummaryQuery> {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  async execute({ customerId, asOf }: GetCustomerSummaryQuery) {
    const at = new Date(asOf ?? this.clock.now()).toISOString();
    const summary = await customerSummary(this.storage.readStore, customerId, { asOf: at });
    if (!summary) throw ApiError.notFound('CUSTOMER.NOT_FOUND', `the read models have nothing on customer ${customerId}`);
    return summary;
  }
}
