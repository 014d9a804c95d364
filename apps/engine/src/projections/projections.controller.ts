import { Controller, Get } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Requires } from '../auth/requires.decorator';
import { ProjectionHost, type ProjectionsView } from './projection-host';

@ApiTags('ops')
@ApiHeader({ name: 'x-api-key', required: true })
@Controller('projections')
export class ProjectionsController {
  constructor(private readonly host: ProjectionHost) {}

  @Get()
  @Requires('ops:run')
  @ApiOperation({
    summary: 'Every registered projection version: active, state, checkpoint, events behind, events/s, events processed, last error, definition, who drives it',
  })
  @ApiResponse({ status: 200, description: '{ projections: [...], problems: [{ name, version, code, reason }] }' })
  @ApiResponse({ status: 401, description: 'No or unknown API key' })
  @ApiResponse({ status: 403, description: 'Not an ops or admin key (ops:run)' })
  list(): Promise<ProjectionsView> {
    return this.host.status();
  }
}
