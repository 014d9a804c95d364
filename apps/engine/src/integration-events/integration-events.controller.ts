import { Controller, Get } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Requires } from '../auth/requires.decorator';
import { IntegrationEventsHost } from './integration-events.host';
import type { PublisherStatus } from './integration-publisher';

@ApiTags('ops')
@ApiHeader({ name: 'x-api-key', required: true })
@Controller('integration-events')
export class IntegrationEventsController {
  constructor(private readonly host: IntegrationEventsHost) {}

  @Get()
  @Requires('ops:run')
  @ApiOperation({
    summary: 'The integration publisher: checkpoint, log clock, events read, messages published and held back (by type), lease owner, whether this process publishes',
  })
  @ApiResponse({ status: 200, description: '{ name, publishesHere, checkpoint, clock, eventsRead, published, heldBack, heldBackByType, leaseOwner, leaseUntil, lastError }' })
  @ApiResponse({ status: 401, description: 'No or unknown API key' })
  @ApiResponse({ status: 403, description: 'Not an ops or admin key (ops:run)' })
  status(): Promise<PublisherStatus> {
    return this.host.status();
  }
}
