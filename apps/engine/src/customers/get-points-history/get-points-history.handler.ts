import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { pointsHistory } from '@lifecycle/domain';
import { ApiError } from '../../errors/api-error';
import { CustomerStream } from '../customer-stream';

export class GetPointsHistoryQuery {
  constructor(readonly customerId: string) {}
}

/**
 * Every points movement in the order recorded, each with the rules and rules version that produced
 * it, the order, refund, redemption or adjustment behind it, and the lots it went to or came from.
 * Read from the recorded events alone: no rules file is needed to explain the past.
 */
@QueryHandler(GetPointsHistoryQuery)
export class GetPointsHistoryHandler implements IQueryHandler<GetPointsHistoryQuery> {
  constructor(private readonly customers: CustomerStream) {}

  async execute({ customerId }: GetPointsHistoryQuery) {
    const { state } = await this.customers.load(customerId);
    if (state.registration === 'none') throw ApiError.notFound('CUSTOMER.NOT_FOUND', `customer ${customerId} does not exist`);
    return { customerId, movements: pointsHistory(state) };
  }
}
