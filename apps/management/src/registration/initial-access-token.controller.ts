import { Controller, Inject, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AdminRoute, jsonBody } from '@app/oauth';
import { adminCallerId } from './admin-caller';
import { initialAccessTokenRequest } from './initial-access-token.body';
import {
  InitialAccessTokenAnswer,
  IssueInitialAccessTokenUseCase,
} from './issue-initial-access-token.usecase';
import { REGISTRATION_PATHS as PATHS } from './registration.paths';

/** `POST /admin/initial-access-tokens` (docs/openapi.yaml), for admin clients. */
@Controller()
export class InitialAccessTokenController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly issue: IssueInitialAccessTokenUseCase,
  ) {}

  @AdminRoute('POST', PATHS.initialAccessTokens)
  create(@Req() req: FastifyRequest): Promise<InitialAccessTokenAnswer> {
    // The body is optional: none at all asks for the defaults.
    const empty = req.body === undefined || req.body === '';
    const body = empty ? undefined : jsonBody(req.headers['content-type'], req.body);
    return this.issue.execute(
      adminCallerId(req.headers.authorization),
      initialAccessTokenRequest(body, this.config.registration),
    );
  }
}
