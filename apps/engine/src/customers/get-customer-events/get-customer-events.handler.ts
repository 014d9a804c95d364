import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { toCustomerStreamId } from '@lifecycle/domain';
import { ApiError } from '../../errors/api-error';
import { Storage } from '../../storage/storage';

export class GetCustomerEventsQuery {
  constructor(readonly customerId: string, readonly fromRevision: number, readonly limit: number) {}
}

/** A customer's history, paged by stream revision. Sealed personal data stays sealed here. */
@QueryHandler(GetCustomerEventsQuery)
export class GetCustomerEventsHandler implements IQueryHandler<GetCustomerEventsQuery> {
  constructor(private readonly storage: Storage) {}

  async execute({ customerId, fromRevision, limit }: GetCustomerEventsQuery) {
    const page = await this.storage.eventStore.readStream(toCustomerStreamId(customerId), {
      fromRevision: BigInt(fromRevision),
      maxCount: limit + 1,
    });
    if (page.length === 0 && fromRevision === 0) throw ApiError.notFound('CUSTOMER.NOT_FOUND', `customer ${customerId} does not exist`);
    const events = page.slice(0, limit).map((e) => ({
      revision: Number(e.revision),
      type: e.type,
      data: e.data,
      recordedAt: e.recordedAt.toISOString(),
    }));
    return { customerId, events, nextFromRevision: page.length > limit ? fromRevision + limit : null };
  }
}
