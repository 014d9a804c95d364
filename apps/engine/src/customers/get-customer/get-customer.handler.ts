import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { customerProfile } from '@lifecycle/domain';
import type { Actor } from '../../auth/roles';
import { ApiError } from '../../errors/api-error';
import { Clock } from '../../storage/clock';
import { Storage } from '../../storage/storage';
import { CustomerStream } from '../customer-stream';

export class GetCustomerQuery {
  constructor(readonly customerId: string, readonly actor: Actor) {}
}

/**
 * The profile is folded from the stream itself, so it is exact the moment a command returns.
 * Personal fields: in clear only for `pii:read`, and each such read is written to the access log.
 */
@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery> {
  constructor(
    private readonly customers: CustomerStream,
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  async execute({ customerId, actor }: GetCustomerQuery) {
    const { state } = await this.customers.load(customerId);
    const { personal: sealed, ...profile } = customerProfile(state);
    if (profile.registered === 'none') throw ApiError.notFound('CUSTOMER.NOT_FOUND', `customer ${customerId} does not exist`);
    return { ...profile, personal: await this.personal(customerId, sealed, profile.erased, actor) };
  }

  private async personal(customerId: string, sealed: Parameters<Storage['vault']['open']>[1] | undefined, erased: boolean, actor: Actor) {
    if (erased) return { status: 'erased' as const };
    if (!sealed) return { status: 'none' as const };
    if (!actor.permissions.has('pii:read')) return { status: 'redacted' as const };
    const fields = await this.storage.vault.open(customerId, sealed);
    if (fields === null) return { status: 'erased' as const };
    await this.storage.vault.recordAccess({ actor: actor.name, customerId, purpose: 'GET /customers/:id', at: this.clock.now() });
    return { status: 'clear' as const, ...fields };
  }
}
