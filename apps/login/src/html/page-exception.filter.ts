import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EventBusUnavailable } from '@app/events';
import { InvalidRequest } from '@app/oauth';
import { StoreUnavailable } from '@app/store';
import { PageError } from '../login-app.errors';
import { apiFailureStatus } from '../platform/login-api.error';
import { sendPage } from './page.reply';
import { messagePage } from './pages.template';

interface Shown {
  readonly status: number;
  readonly title: string;
  readonly text: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const EXPIRED: Shown = {
  status: 404,
  title: 'This sign-in has expired',
  text: 'Go back to the application and start again.',
};
/** A second submission of a form (a double click) finds its challenge answered by the first. */
const ANSWERED: Shown = {
  status: 409,
  title: 'This step is already done',
  text: 'If the application did not open, go back to it and start again.',
};
const UNREADABLE: Shown = {
  status: 400,
  title: 'This sign-in cannot continue',
  text: 'The form could not be read. Go back to the application and start again.',
};
const REFUSED: Shown = {
  status: 400,
  title: 'This sign-in cannot continue',
  text: 'The sign-in service refused this step. Go back to the application and start again.',
};
const UNAVAILABLE: Shown = {
  status: 502,
  title: 'Sign-in is unavailable',
  text: 'The sign-in service could not answer. Try again in a moment.',
};
/** The in-process API could not reach its store or log: what the HTTP API answers 503 for. */
const BUSY: Shown = {
  status: 503,
  title: 'Sign-in is unavailable',
  text: 'The sign-in service cannot go on right now. Try again in a moment.',
  headers: { 'retry-after': '1' },
};
const BROKEN: Shown = {
  status: 500,
  title: 'Something went wrong',
  text: 'The sign-in could not be completed. Go back to the application and start again.',
};

const logger = new Logger('LoginApp');

/**
 * Every failure of the login app's pages as a page with the security headers: a friendly sentence,
 * never a stack or anything the request sent. An unknown (or used up) challenge is "expired".
 * The log gets the cause's kind and status only: forms carry passwords, and causes can quote them.
 */
@Catch()
export class PageExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const shown = this.shown(exception);
    const html = messagePage(shown.title, shown.text);
    sendPage(
      host.switchToHttp().getResponse<FastifyReply>(),
      shown.status,
      html,
      [],
      shown.headers,
    );
  }

  private shown(e: unknown): Shown {
    if (e instanceof PageError) return e;
    if (e instanceof InvalidRequest) return UNREADABLE;
    if (e instanceof StoreUnavailable || e instanceof EventBusUnavailable) {
      logger.warn(`a sign-in step was refused: ${describe(e)}`);
      return BUSY;
    }
    const api = apiFailureStatus(e);
    if (api === 404 || api === 410) return EXPIRED;
    if (api === 409) return ANSWERED;
    if (e instanceof HttpException && api !== undefined && api < 500)
      return { ...{}, ...UNREADABLE, status: api };
    if (api !== undefined && api < 500) {
      logger.warn(`the login/consent API refused a step: ${describe(e)}`);
      return REFUSED;
    }
    if (api !== undefined) {
      logger.warn(`the login/consent API failed: ${describe(e)}`);
      return UNAVAILABLE;
    }
    logger.error(`a page failed: ${describe(e)}`, e instanceof Error ? e.stack : undefined);
    return BROKEN;
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return typeof e;
}
