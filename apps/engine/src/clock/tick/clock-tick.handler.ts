import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type BirthdayFacts, type CustomerState, type CustomerStreamEvent, canonicalInstant, dueCommands, type LoyaltyRules, parseInstant,
} from '@lifecycle/domain';
import { ApiError } from '../../errors/api-error';
import { allCustomerIds } from '../../customers/customer-ids';
import { CustomerStream } from '../../customers/customer-stream';
import { InjectLoyaltyRules } from '../../rules/loyalty-rules.token';
import { Clock } from '../../storage/clock';
import { Storage } from '../../storage/storage';

export class ClockTickCommand {
  constructor(readonly asOf: string | undefined, readonly actor: string) {}
}

/** What a tick recorded, per kind of work: events written, so a repeated tick answers zeros. */
export interface TickWork {
  /** PointsExpired: lots (or annual shares of lots) expired. */
  expiry: number;
  /** PointsExpiryWarned: lots warned about. */
  expiryWarning: number;
  /** TierChanged by review, or TierRetained. */
  tierReview: number;
  /** Referrals settled (rewarded on both streams, or declined). */
  referral: number;
  birthday: number;
}

export interface TickResult {
  readonly asOf: string;
  readonly rulesVersion: string;
  /** Customers looked at. */
  readonly customers: number;
  /** Customers something was recorded for (a referrer rewarded through its referee's settlement included). */
  readonly customersChanged: number;
  readonly work: TickWork;
  readonly events: number;
  /** Customers whose work failed (the others were done); running the tick again retries them. */
  readonly failures: readonly { readonly customerId: string; readonly code: string; readonly message: string }[];
}

/**
 * Runs, for every customer, what is due at `asOf`: expiry and expiry warnings, the tier review,
 * the referral settlement and the birthday reward. Every command is idempotent in the domain, so a
 * second tick at the same instant finds nothing due and records nothing. Customers run one after
 * the other: the embedded database has one connection, and a tick is ops work, not a hot path.
 */
@CommandHandler(ClockTickCommand)
export class ClockTickHandler implements ICommandHandler<ClockTickCommand, TickResult> {
  constructor(
    private readonly customers: CustomerStream,
    private readonly storage: Storage,
    private readonly clock: Clock,
    @InjectLoyaltyRules() private readonly rules: LoyaltyRules,
  ) {}

  async execute({ asOf: requested, actor }: ClockTickCommand): Promise<TickResult> {
    const now = this.clock.now();
    const asOf = canonicalInstant(requested === undefined ? now.getTime() : parseInstant(requested)!);
    // Running time ahead would record expiries and rewards that have not happened (a typo for 2052
    // would expire everyone's points): live ticks stop at the engine's clock.
    if (parseInstant(asOf)! > now.getTime()) {
      throw new ApiError(422, 'CLOCK.AS_OF_IN_FUTURE', `asOf ${asOf} is after the engine's clock (${now.toISOString()})`, [
        { field: 'asOf', reason: 'must not be after now' },
      ]);
    }
    const work: TickWork = { expiry: 0, expiryWarning: 0, tierReview: 0, referral: 0, birthday: 0 };
    const failures: { customerId: string; code: string; message: string }[] = [];
    const changed = new Set<string>();
    let events = 0;
    const ids = await allCustomerIds(this.storage.eventStore);
    for (const customerId of ids) {
      try {
        const recorded = await this.runDue(customerId, asOf, actor);
        events += recorded.length;
        for (const e of recorded) {
          changed.add(e.data.customerId);
          tally(work, e);
        }
      } catch (error) {
        const e = error as { code?: unknown; message?: unknown };
        failures.push({ customerId, code: typeof e.code === 'string' ? e.code : 'INTERNAL', message: String(e.message ?? error) });
      }
    }
    return { asOf, rulesVersion: this.rules.version, customers: ids.length, customersChanged: changed.size, work, events, failures };
  }

  /** Everything recorded for this customer (and, for a referral, its referrer) at `asOf`. */
  private async runDue(customerId: string, asOf: string, actor: string): Promise<CustomerStreamEvent[]> {
    const { state } = await this.customers.load(customerId);
    if (state.registration === 'none') return [];
    const recorded: CustomerStreamEvent[] = [];
    for (const command of dueCommands(state, asOf, this.rules, await this.birthdayOf(customerId, state))) {
      if (command.type === 'SettleReferral') {
        const settled = await this.customers.settleReferral(customerId, command.data.asOf, actor);
        recorded.push(...settled.referee, ...settled.referrer);
      } else {
        recorded.push(...(await this.customers.execute(command, (_, decided) => decided, actor)));
      }
    }
    return recorded;
  }

  /**
   * The birthday, unsealed in process for this decision only (never returned, so not written to the
   * PII access log), celebrated in the business time zone: the engine keeps no customer time zone.
   * None without birthday rules, without a birthday, or after erasure (the key is gone).
   */
  private async birthdayOf(customerId: string, state: CustomerState): Promise<BirthdayFacts | undefined> {
    if (!this.rules.birthday || !state.personal || state.erasedAt !== undefined) return undefined;
    const birthday = (await this.storage.vault.open(customerId, state.personal))?.birthday;
    return birthday === undefined ? undefined : { birthday: birthday.slice(5), timeZone: this.rules.timeZone };
  }
}

const tally = (work: TickWork, e: CustomerStreamEvent): void => {
  switch (e.type) {
    case 'PointsExpired':
      work.expiry++;
      break;
    case 'PointsExpiryWarned':
      work.expiryWarning++;
      break;
    case 'TierRetained':
      work.tierReview++;
      break;
    case 'TierChanged':
      if (e.data.reason === 'review') work.tierReview++;
      break;
    case 'ReferralDeclined':
      work.referral++;
      break;
    case 'ReferralRewarded':
      if (e.data.role === 'referee') work.referral++;
      break;
    case 'BirthdayRewarded':
      work.birthday++;
      break;
    default:
      break;
  }
};
