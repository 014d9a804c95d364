import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { lifecycleOf } from '@lifecycle/projections';
import { ApiError } from '../../errors/api-error';
import { Storage } from '../../storage/storage';
import { clvPAliveOf } from '../../clv/clv-p-alive';

export class GetCustomerLifecycleQuery {
  /** `asOf` undefined: the log clock the served version has reached. */
  constructor(readonly customerId: string, readonly asOf: string | undefined) {}
}

/** The customer's stage, since when, the transitions up to the instant and the churn warning with its signals. */
@QueryHandler(GetCustomerLifecycleQuery)
export class GetCustomerLifecycleHandler implements IQueryHandler<GetCustomerLifecycleQuery> {
  constructor(private readonly storage: Storage) {}

  async execute({ customerId, asOf }: GetCustomerLifecycleQuery) {
    // P(alive) from the clv projection is one more churn signal (p_alive_low), when a fit exists.
    const view = await lifecycleOf(this.storage.readStore, customerId, asOf, clvPAliveOf(this.storage.readStore, asOf));
    if (!view) throw ApiError.notFound('LIFECYCLE.UNKNOWN_CUSTOMER', `the log has no registration or purchase of customer ${customerId}`);
    return view;
  }
}
