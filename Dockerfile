# One image for every service: APP picks which bundle runs (standalone, issuance, introspection,
# revocation, authorization, login, demo-api). It runs with NODE_ENV=production and ships no
# configuration and no keys (config/ is in .dockerignore): give CONFIG_FILE (hashed secrets
# only), KEYS_FILE and ISSUER, mounted as secrets; without them the services refuse to start.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build standalone && npx nest build issuance \
  && npx nest build introspection && npx nest build revocation \
  && npx nest build authorization && npx nest build login \
  && npx nest build demo-api && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The playground's page (PLAYGROUND=true), read from the working directory at run time.
COPY --from=build /app/libs/playground/assets ./libs/playground/assets
USER node
ENV APP=standalone
CMD ["sh", "-c", "exec node dist/apps/$APP/main.js"]
