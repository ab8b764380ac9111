export * from './playground.module';
export * from './playground-assets';
export * from './playground-session.hub';
