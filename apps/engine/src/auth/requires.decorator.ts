import { SetMetadata } from '@nestjs/common';
import type { Permission } from './roles';

export const REQUIRED_PERMISSION = 'lifecycle:required-permission';

/** The permission a route needs. Routes without it are public (health, docs). */
export const Requires = (permission: Permission) => SetMetadata(REQUIRED_PERMISSION, permission);
