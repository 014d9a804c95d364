import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsRegistry } from './metrics-registry';

/**
 * Times every request, labelled by the route template Express matched (`/customers/:id/purchases`).
 * A middleware rather than an interceptor: requests refused by the key guard (401, 403) count too.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsRegistry) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const template = (req.route as { path?: unknown } | undefined)?.path;
      // Nest answers unknown paths (404) through a catch-all route, `/{*path}`: no route matched.
      const route = typeof template === 'string' && !template.includes('*') ? `${req.baseUrl}${template}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  }
}
