export * from './login-app.module';
export * from './platform/http-login-consent.api';
export * from './platform/login-api.error';
