import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerProfile } from '@lifecycle/domain';
import { Clock } from '../../storage/clock';
import { Storage } from '../../storage/storage';
import { CustomerStream } from '../customer-stream';

export class EraseCustomerCommand {
  constructor(readonly customerId: string, readonly actor: string) {}
}

@CommandHandler(EraseCustomerCommand)
export class EraseCustomerHandler implements ICommandHandler<EraseCustomerCommand> {
  constructor(
    private readonly customers: CustomerStream,
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  async execute({ customerId, actor }: EraseCustomerCommand) {
    // Key first: if the append below fails, the data is already unreadable (what was asked for),
    // and the retried DELETE records the event. An unknown customer gets no tombstone (decide says 404).
    const { state } = await this.customers.load(customerId);
    if (customerProfile(state).registered !== 'none') await this.storage.vault.destroy(customerId, this.clock.now());
    return this.customers.execute(
      { type: 'EraseCustomer', data: { customerId } },
      (state) => {
        const p = customerProfile(state);
        return { customerId, erased: p.erased, erasedAt: p.erasedAt };
      },
      actor,
    );
  }
}
