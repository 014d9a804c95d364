import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { segmentOf } from '@lifecycle/projections';
import { ApiError } from '../../errors/api-error';
import { Storage } from '../../storage/storage';

export class GetCustomerSegmentQuery {
  constructor(readonly customerId: string, readonly asOf: string) {}
}

/** The customer's RFM scores, measures, segment and value group as of an instant (the served version). */
@QueryHandler(GetCustomerSegmentQuery)
export class GetCustomerSegmentHandler implements IQueryHandler<GetCustomerSegmentQuery> {
  constructor(private readonly storage: Storage) {}

  async execute({ customerId, asOf }: GetCustomerSegmentQuery) {
    const view = await segmentOf(this.storage.readStore, customerId, asOf);
    if (!view) throw ApiError.notFound('SEGMENT.NOT_SCORED', `customer ${customerId} has no purchase in the RFM window as of ${asOf}`);
    return view;
  }
}
