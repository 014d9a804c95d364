import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { segmentMigration } from '@lifecycle/projections';
import { Storage } from '../../storage/storage';

export class GetSegmentMigrationQuery {
  constructor(readonly from: string, readonly to: string) {}
}

/** From-segment x to-segment counts between two dates. */
@QueryHandler(GetSegmentMigrationQuery)
export class GetSegmentMigrationHandler implements IQueryHandler<GetSegmentMigrationQuery> {
  constructor(private readonly storage: Storage) {}

  execute({ from, to }: GetSegmentMigrationQuery) {
    return segmentMigration(this.storage.readStore, from, to);
  }
}
