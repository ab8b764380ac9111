export * from './login-app.module';
