import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsRegistry } from './metrics-registry';

/**
 * Public, like /health: Prometheus scrapes carry no key by default, and nothing here is personal
 * (counts, durations, projection names and versions). Keep the port off the internet as for /health.
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'Prometheus metrics: process, projections (lag, rate, state), HTTP request durations; no key needed' })
  async scrape(@Res() res: Response): Promise<void> {
    const body = await this.metrics.registry.metrics();
    // Exactly prom-client's content type: res.send would add a charset Prometheus does not expect.
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.end(body);
  }
}
