import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerProfile } from '@lifecycle/domain';
import { hasPersonalData } from '@lifecycle/privacy';
import { Clock } from '../../storage/clock';
import { Storage } from '../../storage/storage';
import { CustomerStream } from '../customer-stream';
import type { RegisterCustomerDto } from './register-customer.dto';

export class RegisterCustomerCommand {
  constructor(readonly body: RegisterCustomerDto, readonly actor: string) {}
}

@CommandHandler(RegisterCustomerCommand)
export class RegisterCustomerHandler implements ICommandHandler<RegisterCustomerCommand> {
  constructor(
    private readonly customers: CustomerStream,
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  async execute({ body, actor }: RegisterCustomerCommand) {
    const { name, email, phone, birthday, ...facts } = body;
    const clear = { name, email, phone, birthday };
    // Personal fields are sealed with the customer's own key before anything reaches the log.
    const personal = hasPersonalData(clear) ? await this.storage.vault.seal(facts.customerId, clear, this.clock.now()) : undefined;
    // The referrer's stream (and its referrers') is looked up here, so that an unknown referrer or a
    // cycle is refused now (422) rather than declined a month later at settlement.
    const referrer = facts.referrerId === undefined ? undefined : await this.customers.referrerFacts(facts.customerId, facts.referrerId);
    return this.customers.execute(
      { type: 'RegisterCustomer', data: { ...facts, personal, referrer } },
      (state) => {
        const p = customerProfile(state);
        return { customerId: p.customerId, registered: p.registered, registeredAt: p.registeredAt, channel: p.channel, referrerId: p.referrerId };
      },
      actor,
    );
  }
}
