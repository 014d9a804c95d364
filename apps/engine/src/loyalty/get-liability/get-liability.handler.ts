import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type LiabilityContribution, liabilityContribution, type LoyaltyRules, sumLiability } from '@lifecycle/domain';
import { allCustomerIds } from '../../customers/customer-ids';
import { CustomerStream } from '../../customers/customer-stream';
import { InjectLoyaltyRules } from '../../rules/loyalty-rules.token';
import { Clock } from '../../storage/clock';
import { Storage } from '../../storage/storage';

export class GetLiabilityQuery {
  constructor(readonly asOf: string | undefined) {}
}

/**
 * Outstanding points per currency and their value at the rules' point value, as of any instant.
 * Each customer's share is taken from the very view GET /customers/:id/points answers with, so the
 * report is the sum of the balances by construction (a spec checks it over HTTP). One customer's
 * state is held at a time; the scan of the log is documented in customer-ids.ts.
 */
@QueryHandler(GetLiabilityQuery)
export class GetLiabilityHandler implements IQueryHandler<GetLiabilityQuery> {
  constructor(
    private readonly customers: CustomerStream,
    private readonly storage: Storage,
    private readonly clock: Clock,
    @InjectLoyaltyRules() private readonly rules: LoyaltyRules,
  ) {}

  async execute({ asOf: requested }: GetLiabilityQuery) {
    const asOf = requested ?? this.clock.now().toISOString();
    const contributions: LiabilityContribution[] = [];
    for (const customerId of await allCustomerIds(this.storage.eventStore)) {
      const { state } = await this.customers.load(customerId);
      if (state.registration !== 'none') contributions.push(liabilityContribution(state, asOf, this.rules));
    }
    return sumLiability(contributions, asOf, this.rules);
  }
}
