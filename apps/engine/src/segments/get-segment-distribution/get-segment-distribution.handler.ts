import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { segmentDistribution } from '@lifecycle/projections';
import { Storage } from '../../storage/storage';

export class GetSegmentDistributionQuery {
  constructor(readonly asOf: string) {}
}

/** Customers, share and mean R/F/M and monetary per segment and per value group, as of an instant. */
@QueryHandler(GetSegmentDistributionQuery)
export class GetSegmentDistributionHandler implements IQueryHandler<GetSegmentDistributionQuery> {
  constructor(private readonly storage: Storage) {}

  execute({ asOf }: GetSegmentDistributionQuery) {
    return segmentDistribution(this.storage.readStore, asOf);
  }
}
