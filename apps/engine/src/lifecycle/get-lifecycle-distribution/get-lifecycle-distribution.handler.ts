import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { lifecycleDistribution } from '@lifecycle/projections';
import { ApiError } from '../../errors/api-error';
import { Storage } from '../../storage/storage';

export class GetLifecycleDistributionQuery {
  constructor(readonly asOf: string | undefined) {}
}

/** Customers per stage and churn warnings, as of an instant (default: the log clock). */
@QueryHandler(GetLifecycleDistributionQuery)
export class GetLifecycleDistributionHandler implements IQueryHandler<GetLifecycleDistributionQuery> {
  constructor(private readonly storage: Storage) {}

  async execute({ asOf }: GetLifecycleDistributionQuery) {
    const distribution = await lifecycleDistribution(this.storage.readStore, asOf);
    if (!distribution) throw ApiError.notFound('LIFECYCLE.NOT_BUILT', 'the lifecycle projection has not applied any event yet');
    return distribution;
  }
}
