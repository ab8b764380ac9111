import {
  applyDecorators,
  Delete,
  Get,
  Header,
  HttpCode,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import { AdminClientGuard } from './admin-client.guard';

const METHODS = { GET: Get, POST: Post, PUT: Put, DELETE: Delete } as const;
const STATUS = { GET: 200, POST: 200, PUT: 200, DELETE: 204 } as const;

/**
 * A route of the admin API: admin clients only, never cached (answers name users' grants; the
 * error filter says `no-store` too). POST answers 200 with what was recorded (`status` 201 for
 * one that creates what it names), PUT 200, DELETE 204.
 */
export const AdminRoute = (
  method: keyof typeof METHODS,
  path: string,
  status: number = STATUS[method],
): MethodDecorator =>
  applyDecorators(
    METHODS[method](path),
    HttpCode(status),
    UseGuards(AdminClientGuard),
    Header('Cache-Control', 'no-store'),
    Header('Pragma', 'no-cache'),
  );
