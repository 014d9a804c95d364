import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { TimeUnit } from '@lifecycle/clv';
import { fitAndStore } from '@lifecycle/projections';
import type { ClvModel } from '@lifecycle/projections/clv/clv-model';
import { activeClvVersion, ClvFitFailedError, ClvNoCustomersError } from '@lifecycle/projections/clv/clv.query';
import { ApiError } from '../../errors/api-error';
import { Storage } from '../../storage/storage';
import { clvDefinitionOf } from '../clv-definition';

export class FitClvCommand {
  constructor(readonly model: ClvModel, readonly asOf: string, readonly unit: TimeUnit | undefined) {}
}

/**
 * Refit on demand: fits the model on the served version's rows as of the day and stores it with
 * the next seq (trigger 'request'). The fit runs outside any read-store transaction (PGlite rule).
 */
@CommandHandler(FitClvCommand)
export class FitClvHandler implements ICommandHandler<FitClvCommand> {
  constructor(private readonly storage: Storage) {}

  async execute({ model, asOf, unit }: FitClvCommand) {
    const readStore = this.storage.readStore;
    const version = await activeClvVersion(readStore);
    if (version === null) throw new ApiError(409, 'CLV.NOT_BUILT', 'the clv projection has no active version yet');
    if (Number.isNaN(Date.parse(asOf)) || new Date(asOf).toISOString().slice(0, 10) !== asOf) {
      throw ApiError.validation([{ field: 'asOf', reason: `${asOf} is not a calendar date` }]);
    }
    const definition = await clvDefinitionOf(readStore, version);
    try {
      const fit = await fitAndStore(readStore, version, definition, model, asOf, 'request', unit ?? definition.unit);
      return { ...fit, version: `clv v${fit.projectionVersion} fit ${fit.seq}` };
    } catch (error) {
      if (error instanceof ClvNoCustomersError || error instanceof ClvFitFailedError) throw new ApiError(422, error.code, error.message, [{ field: 'asOf', reason: error.message }]);
      throw error;
    }
  }
}
