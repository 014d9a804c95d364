import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { clvOf, ClvNoFitError, ClvNotBuiltError } from '@lifecycle/projections';
import { ApiError } from '../../errors/api-error';
import { Storage } from '../../storage/storage';
import { clvDefinitionOf } from '../clv-definition';

export class GetCustomerClvQuery {
  constructor(readonly customerId: string, readonly asOf: string) {}
}

/** P(alive), expected purchases, expected average value and CLV as of an instant, with the fits that produced them. */
@QueryHandler(GetCustomerClvQuery)
export class GetCustomerClvHandler implements IQueryHandler<GetCustomerClvQuery> {
  constructor(private readonly storage: Storage) {}

  async execute({ customerId, asOf }: GetCustomerClvQuery) {
    const readStore = this.storage.readStore;
    try {
      const view = await clvOf(readStore, customerId, { asOf, definitionOf: (v) => clvDefinitionOf(readStore, v) });
      if (!view) throw ApiError.notFound('CLV.NO_PURCHASE', `customer ${customerId} has no purchase as of ${asOf}`);
      return view;
    } catch (error) {
      if (error instanceof ClvNoFitError || error instanceof ClvNotBuiltError) throw ApiError.notFound(error.code, error.message);
      throw error;
    }
  }
}
