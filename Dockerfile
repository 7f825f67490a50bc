# syntax=docker/dockerfile:1
# userdata and push-email in one image, for k8s/: the command picks the service (the migrate commands too):
#   node /app/dist/userdata/main.js          node /app/dist/userdata/migrate.js
#   node /app/dist/push-email/main.js        node /app/dist/push-email/migrate.js
# Build and push: see k8s/README.md. The tag is support/environments/containers/images.ts's images.services.

ARG NODE_IMAGE=node:24-bookworm-slim

# Compiled JavaScript (tsconfig.build.json: src/ only, without tests), with the files the code reads beside it.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --omit=optional --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
# The same build the harness runs before the specs start the services from dist/.
RUN npm run build

# The runtime dependencies only.
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# node, the base image's unprivileged user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 3000 3001
CMD ["node", "/app/dist/userdata/main.js"]
