# syntax=docker/dockerfile:1

# One image for both processes:
#   API (default): node dist/api/main.js
#   worker:        node dist/worker.js
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: all dependencies, compile TypeScript into dist/ ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- deps: production dependencies only ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# --- runtime: production dependencies + dist, as the unprivileged `node` user ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# The worker loads the workflows bundled at build time instead of bundling them at every start
# (a worker that traces, the traced twin beside it: dist/workflow-bundle.traced.js).
ENV HOOKFLOW_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Files stay owned by root: the app can read its code, not rewrite it.
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
