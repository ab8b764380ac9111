# One image for every service: APP picks which bundle runs (standalone, issuance, introspection,
# revocation, demo-api).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build standalone && npx nest build issuance \
  && npx nest build introspection && npx nest build revocation \
  && npx nest build demo-api && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY config ./config
USER node
ENV APP=standalone
CMD ["sh", "-c", "exec node dist/apps/$APP/main.js"]
