import { Body, Controller, Get, Post, UseGuards } from '@nestjs/common';
import { AccessToken, BearerGuard, RequireScopes, ValidatedToken } from '@app/resource-server';

/** A tiny orders API: what a resource server looks like with the library. */
@Controller('orders')
@UseGuards(BearerGuard)
export class OrdersController {
  @Get()
  @RequireScopes('orders:read')
  list(@AccessToken() token: ValidatedToken) {
    return { caller: token.clientId, orders: [{ id: 'o-1', item: 'coffee beans', qty: 2 }] };
  }

  @Post()
  @RequireScopes('orders:write')
  create(@AccessToken() token: ValidatedToken, @Body() _body: unknown) {
    return { caller: token.clientId, created: { id: 'o-2' } };
  }
}
