import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../errors/api-error';
import { Storage } from '../storage/storage';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly storage: Storage) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  health() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers (503 otherwise)' })
  async ready() {
    try {
      await this.storage.ping();
    } catch (error) {
      throw new ApiError(503, 'NOT_READY.DATABASE', `the ${this.storage.kind} database does not answer: ${String(error)}`);
    }
    return { status: 'ready', storage: this.storage.kind };
  }
}
