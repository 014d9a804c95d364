import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../errors/api-error';
import { ApiKeys } from './api-keys';
import { REQUIRED_PERMISSION } from './requires.decorator';
import type { Actor, Permission } from './roles';

export type AuthenticatedRequest = Request & { actor?: Actor };

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeys,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required === undefined) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = request.header('x-api-key');
    if (!presented) throw ApiError.unauthorized('AUTH.MISSING_KEY', 'send an API key in the x-api-key header');
    const actor = this.keys.resolve(presented);
    if (actor === null) throw ApiError.unauthorized('AUTH.UNKNOWN_KEY', 'the API key is not known');
    if (!actor.permissions.has(required)) {
      throw ApiError.forbidden('AUTH.FORBIDDEN', `this API key (${actor.name}) lacks the permission ${required}`);
    }
    request.actor = actor;
    return true;
  }
}
