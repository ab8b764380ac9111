import { applyDecorators, Delete, Get, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AdminClientGuard } from './admin-client.guard';

const METHODS = { GET: Get, POST: Post, DELETE: Delete } as const;
const STATUS = { GET: 200, POST: 200, DELETE: 204 } as const;

/**
 * A route of the admin API: admin clients only, never cached (answers name users' grants; the
 * error filter says `no-store` too). POST answers 200 with what was recorded, DELETE 204.
 */
export const AdminRoute = (method: keyof typeof METHODS, path: string): MethodDecorator =>
  applyDecorators(
    METHODS[method](path),
    HttpCode(STATUS[method]),
    UseGuards(AdminClientGuard),
    Header('Cache-Control', 'no-store'),
    Header('Pragma', 'no-cache'),
  );
